#ifndef DEPOT_CARCHIVE_SHIM_H
#define DEPOT_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>
#endif
