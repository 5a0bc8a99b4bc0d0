// The edu server: see Package.swift. Filled in by the edu-server work.
