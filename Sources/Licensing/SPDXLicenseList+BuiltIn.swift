// The common part of the SPDX licence list, written here so that parsing never depends on an
// installed file: identifier | full name | flags (O = OSI approved, F = FSF free/libre, D = deprecated).
// The full list is merged in at run time from Debian's php-composer-spdx-licenses when installed.
extension SPDXLicenseList {
    static let builtInTable = """
0BSD|BSD Zero Clause License|O
AAL|Attribution Assurance License|O
AFL-1.1|Academic Free License v1.1|OF
AFL-1.2|Academic Free License v1.2|OF
AFL-2.0|Academic Free License v2.0|OF
AFL-2.1|Academic Free License v2.1|OF
AFL-3.0|Academic Free License v3.0|OF
AGPL-1.0|Affero General Public License v1.0|D
AGPL-1.0-only|Affero General Public License v1.0 only|
AGPL-1.0-or-later|Affero General Public License v1.0 or later|
AGPL-3.0|GNU Affero General Public License v3.0|OFD
AGPL-3.0-only|GNU Affero General Public License v3.0 only|OF
AGPL-3.0-or-later|GNU Affero General Public License v3.0 or later|OF
Apache-1.0|Apache License 1.0|F
Apache-1.1|Apache License 1.1|OF
Apache-2.0|Apache License 2.0|OF
APSL-2.0|Apple Public Source License 2.0|OF
Artistic-1.0|Artistic License 1.0|O
Artistic-1.0-Perl|Artistic License 1.0 (Perl)|O
Artistic-2.0|Artistic License 2.0|OF
BlueOak-1.0.0|Blue Oak Model License 1.0.0|O
BSD-1-Clause|BSD 1-Clause License|O
BSD-2-Clause|BSD 2-Clause "Simplified" License|OF
BSD-2-Clause-FreeBSD|BSD 2-Clause FreeBSD License|FD
BSD-2-Clause-NetBSD|BSD 2-Clause NetBSD License|D
BSD-2-Clause-Patent|BSD-2-Clause Plus Patent License|O
BSD-2-Clause-Views|BSD 2-Clause with views sentence|
BSD-3-Clause|BSD 3-Clause "New" or "Revised" License|OF
BSD-3-Clause-Clear|BSD 3-Clause Clear License|F
BSD-3-Clause-LBNL|Lawrence Berkeley National Labs BSD variant license|O
BSD-4-Clause|BSD 4-Clause "Original" or "Old" License|F
BSD-4-Clause-UC|BSD-4-Clause (University of California-Specific)|
BSD-Source-Code|BSD Source Code Attribution|
BSL-1.0|Boost Software License 1.0|OF
bzip2-1.0.5|bzip2 and libbzip2 License v1.0.5|D
bzip2-1.0.6|bzip2 and libbzip2 License v1.0.6|
CAL-1.0|Cryptographic Autonomy License 1.0|O
CC-BY-1.0|Creative Commons Attribution 1.0 Generic|
CC-BY-2.0|Creative Commons Attribution 2.0 Generic|
CC-BY-2.5|Creative Commons Attribution 2.5 Generic|
CC-BY-3.0|Creative Commons Attribution 3.0 Unported|
CC-BY-4.0|Creative Commons Attribution 4.0 International|F
CC-BY-NC-2.0|Creative Commons Attribution Non Commercial 2.0 Generic|
CC-BY-NC-3.0|Creative Commons Attribution Non Commercial 3.0 Unported|
CC-BY-NC-4.0|Creative Commons Attribution Non Commercial 4.0 International|
CC-BY-NC-ND-3.0|Creative Commons Attribution Non Commercial No Derivatives 3.0 Unported|
CC-BY-NC-ND-4.0|Creative Commons Attribution Non Commercial No Derivatives 4.0 International|
CC-BY-NC-SA-3.0|Creative Commons Attribution Non Commercial Share Alike 3.0 Unported|
CC-BY-NC-SA-4.0|Creative Commons Attribution Non Commercial Share Alike 4.0 International|
CC-BY-ND-3.0|Creative Commons Attribution No Derivatives 3.0 Unported|
CC-BY-ND-4.0|Creative Commons Attribution No Derivatives 4.0 International|
CC-BY-SA-2.0|Creative Commons Attribution Share Alike 2.0 Generic|
CC-BY-SA-3.0|Creative Commons Attribution Share Alike 3.0 Unported|
CC-BY-SA-4.0|Creative Commons Attribution Share Alike 4.0 International|F
CC0-1.0|Creative Commons Zero v1.0 Universal|F
CDDL-1.0|Common Development and Distribution License 1.0|OF
CDDL-1.1|Common Development and Distribution License 1.1|
CECILL-2.1|CeCILL Free Software License Agreement v2.1|O
CPAL-1.0|Common Public Attribution License 1.0|OF
CPL-1.0|Common Public License 1.0|OF
ECL-2.0|Educational Community License v2.0|OF
EFL-2.0|Eiffel Forum License v2.0|OF
EPL-1.0|Eclipse Public License 1.0|OF
EPL-2.0|Eclipse Public License 2.0|OF
EUPL-1.0|European Union Public License 1.0|
EUPL-1.1|European Union Public License 1.1|OF
EUPL-1.2|European Union Public License 1.2|OF
FTL|Freetype Project License|F
GFDL-1.1|GNU Free Documentation License v1.1|FD
GFDL-1.1-only|GNU Free Documentation License v1.1 only|F
GFDL-1.1-or-later|GNU Free Documentation License v1.1 or later|F
GFDL-1.2|GNU Free Documentation License v1.2|FD
GFDL-1.2-only|GNU Free Documentation License v1.2 only|F
GFDL-1.2-or-later|GNU Free Documentation License v1.2 or later|F
GFDL-1.3|GNU Free Documentation License v1.3|FD
GFDL-1.3-only|GNU Free Documentation License v1.3 only|F
GFDL-1.3-or-later|GNU Free Documentation License v1.3 or later|F
GPL-1.0|GNU General Public License v1.0 only|D
GPL-1.0-only|GNU General Public License v1.0 only|
GPL-1.0-or-later|GNU General Public License v1.0 or later|
GPL-2.0|GNU General Public License v2.0 only|OFD
GPL-2.0-only|GNU General Public License v2.0 only|OF
GPL-2.0-or-later|GNU General Public License v2.0 or later|OF
GPL-2.0-with-autoconf-exception|GNU General Public License v2.0 w/Autoconf exception|D
GPL-2.0-with-bison-exception|GNU General Public License v2.0 w/Bison exception|D
GPL-2.0-with-classpath-exception|GNU General Public License v2.0 w/Classpath exception|D
GPL-2.0-with-font-exception|GNU General Public License v2.0 w/Font exception|D
GPL-2.0-with-GCC-exception|GNU General Public License v2.0 w/GCC Runtime Library exception|D
GPL-3.0|GNU General Public License v3.0 only|OFD
GPL-3.0-only|GNU General Public License v3.0 only|OF
GPL-3.0-or-later|GNU General Public License v3.0 or later|OF
GPL-3.0-with-autoconf-exception|GNU General Public License v3.0 w/Autoconf exception|D
GPL-3.0-with-GCC-exception|GNU General Public License v3.0 w/GCC Runtime Library exception|OD
HPND|Historical Permission Notice and Disclaimer|OF
ICU|ICU License|
IJG|Independent JPEG Group License|F
Imlib2|Imlib2 License|F
Info-ZIP|Info-ZIP License|
IPA|IPA Font License|OF
IPL-1.0|IBM Public License v1.0|OF
ISC|ISC License|OF
JSON|JSON License|
LGPL-2.0|GNU Library General Public License v2 only|OD
LGPL-2.0-only|GNU Library General Public License v2 only|O
LGPL-2.0-or-later|GNU Library General Public License v2 or later|O
LGPL-2.1|GNU Lesser General Public License v2.1 only|OFD
LGPL-2.1-only|GNU Lesser General Public License v2.1 only|OF
LGPL-2.1-or-later|GNU Lesser General Public License v2.1 or later|OF
LGPL-3.0|GNU Lesser General Public License v3.0 only|OFD
LGPL-3.0-only|GNU Lesser General Public License v3.0 only|OF
LGPL-3.0-or-later|GNU Lesser General Public License v3.0 or later|OF
Libpng|libpng License|
libpng-2.0|PNG Reference Library version 2|
LPL-1.02|Lucent Public License v1.02|OF
LPPL-1.3c|LaTeX Project Public License v1.3c|O
MirOS|The MirOS Licence|O
MIT|MIT License|OF
MIT-0|MIT No Attribution|O
MIT-CMU|CMU License|
MIT-Modern-Variant|MIT License Modern Variant|O
MPL-1.0|Mozilla Public License 1.0|O
MPL-1.1|Mozilla Public License 1.1|OF
MPL-2.0|Mozilla Public License 2.0|OF
MPL-2.0-no-copyleft-exception|Mozilla Public License 2.0 (no copyleft exception)|O
MS-PL|Microsoft Public License|OF
MS-RL|Microsoft Reciprocal License|OF
MulanPSL-2.0|Mulan Permissive Software License, Version 2|O
NCSA|University of Illinois/NCSA Open Source License|OF
NTP|NTP License|O
ODbL-1.0|Open Data Commons Open Database License v1.0|F
OFL-1.1|SIL Open Font License 1.1|OF
OpenSSL|OpenSSL License|F
OSL-3.0|Open Software License 3.0|OF
PHP-3.01|PHP License v3.01|OF
PostgreSQL|PostgreSQL License|O
PSF-2.0|Python Software Foundation License 2.0|
Python-2.0|Python License 2.0|OF
Ruby|Ruby License|F
SGI-B-2.0|SGI Free Software License B v2.0|F
SMLNJ|Standard ML of New Jersey License|F
SSPL-1.0|Server Side Public License, v 1|
StandardML-NJ|Standard ML of New Jersey License|FD
Unicode-DFS-2016|Unicode License Agreement - Data Files and Software (2016)|O
Unlicense|The Unlicense|OF
UPL-1.0|Universal Permissive License v1.0|OF
Vim|Vim License|F
W3C|W3C Software Notice and License (2002-12-31)|OF
WTFPL|Do What The F*ck You Want To Public License|F
wxWindows|wxWindows Library License|OD
X11|X11 License|F
XFree86-1.1|XFree86 License 1.1|F
Zend-2.0|Zend License v2.0|F
Zlib|zlib License|OF
zlib-acknowledgement|zlib/libpng License with Acknowledgement|
ZPL-2.0|Zope Public License 2.0|OF
ZPL-2.1|Zope Public License 2.1|OF
eCos-2.0|eCos license version 2.0|FD
Nunit|Nunit License|D
"""

    static let builtInExceptions = [
        "389-exception", "Autoconf-exception-2.0", "Autoconf-exception-3.0", "Bison-exception-2.2",
        "Bootloader-exception", "Classpath-exception-2.0", "CLISP-exception-2.0", "eCos-exception-2.0",
        "Font-exception-2.0", "freertos-exception-2.0", "GCC-exception-2.0", "GCC-exception-3.1",
        "GPL-3.0-linking-exception", "GPL-3.0-linking-source-exception", "GPL-CC-1.0",
        "LGPL-3.0-linking-exception", "Libtool-exception", "Linux-syscall-note", "LLVM-exception",
        "LZMA-exception", "Nokia-Qt-exception-1.1", "OCaml-LGPL-linking-exception",
        "OpenJDK-assembly-exception-1.0", "openvpn-openssl-exception", "Qt-GPL-exception-1.0",
        "Qt-LGPL-exception-1.1", "Swift-exception", "u-boot-exception-2.0",
        "Universal-FOSS-exception-1.0", "WxWindows-exception-3.1",
    ]
}
