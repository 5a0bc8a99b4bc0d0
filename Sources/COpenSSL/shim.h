#ifndef DEPOT_COPENSSL_SHIM_H
#define DEPOT_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/cms.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/bio.h>

// Macros that Swift cannot import, wrapped as functions.
static inline long depot_BIO_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
#endif
