#!/usr/bin/env python3
"""Seed corpora for `make fuzz`, one folder per target (zip, cfb, pe, rpm, deb, xar, xml, iso, cab, tar).

Two kinds of seeds:
  * real installers built with the same tools the tests use (wixl, mingw-w64, rpmbuild, dpkg-deb, xorriso, gcab,
    zip, tar), so mutation starts from structures the readers accept;
  * structure-aware hostile shapes built here byte by byte: the shapes random mutation never finds (compound files
    whose streams share a chain, DIFATs that repeat a sector, RPM headers whose tags all point at one unterminated
    string, deb long-name tables, zips whose central directory and local headers disagree, look-alike separators,
    truncations at the exact structure boundaries).

usage: fuzz-seeds.py [--hostile-only] OUTPUT_DIR
"""
import io
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile

TARGETS = ["zip", "cfb", "pe", "rpm", "deb", "xar", "xml", "iso", "cab", "tar"]


def write(out, target, name, data):
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as handle:
        handle.write(data)


# --- compound files (MSI) -------------------------------------------------------------------------------------

END, FREE, FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD


def cfb(streams, shift=9, edit_fat=None, edit_dir=None, edit_header=None, trailing=0):
    """Header, FAT in sector 0, directory in sector 1, each stream (>= 4096 bytes) in consecutive sectors."""
    size = 1 << shift
    header = bytearray(size)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 4 if shift == 12 else 3, 0xFFFE, shift, 6)
    struct.pack_into("<I", header, 40, 1 if shift == 12 else 0)
    struct.pack_into("<III", header, 44, 1, 1, 0)
    struct.pack_into("<IIII", header, 56, 4096, END, 0, END)
    struct.pack_into("<I", header, 72, 0)
    struct.pack_into("<I", header, 76, 0)
    for slot in range(1, 109):
        struct.pack_into("<I", header, 76 + slot * 4, FREE)
    fat = [FATSECT, END]
    directory = bytearray(size * max(1, (len(streams) + 1 + size // 128 - 1) // (size // 128)))

    def entry(index, name, kind, right, child, start, length):
        base = index * 128
        units = name.encode("utf-16-le")
        directory[base:base + len(units)] = units
        struct.pack_into("<HBB", directory, base + 64, len(units) + 2, kind, 1)
        struct.pack_into("<III", directory, base + 68, FREE, right, child)
        struct.pack_into("<II", directory, base + 116, start, length)

    entry(0, "Root Entry", 5, FREE, 1 if streams else FREE, END, 0)
    data = b""
    for index, (name, payload) in enumerate(streams):
        first = len(fat) + (len(directory) // size - 1)
        sectors = (len(payload) + size - 1) // size
        entry(index + 1, name, 2, index + 2 if index + 1 < len(streams) else FREE, FREE, first, len(payload))
        data += payload + b"\0" * (sectors * size - len(payload))
    # Directory sectors after the first continue its chain.
    extra_dir = len(directory) // size - 1
    fat = [FATSECT] + [2 + i if i < extra_dir else END for i in range(extra_dir + 1)]
    for index, (name, payload) in enumerate(streams):
        sectors = (len(payload) + size - 1) // size
        first = len(fat)
        fat += [first + s + 1 if s < sectors - 1 else END for s in range(sectors)]
    if edit_fat:
        edit_fat(fat)
    if edit_dir:
        edit_dir(directory)
    if edit_header:
        edit_header(header)
    fat_sector = bytearray(b"\xff" * size)
    for slot, value in enumerate(fat[: size // 4]):
        struct.pack_into("<I", fat_sector, slot * 4, value)
    return bytes(header) + bytes(fat_sector) + bytes(directory) + data + b"\0" * trailing


def hostile_cfb(out):
    a, b = bytes(range(256)) * 20, bytes(reversed(range(256))) * 20
    write(out, "cfb", "plain.msi", cfb([("Alpha", a), ("Beta", b)]))
    write(out, "cfb", "plain-4k.msi", cfb([("Alpha", a), ("Beta", b)], shift=12))

    def share(directory):  # Beta names Alpha's chain
        struct.pack_into("<I", directory, 2 * 128 + 116, struct.unpack_from("<I", directory, 128 + 116)[0])

    write(out, "cfb", "shared-chain.msi", cfb([("Alpha", a), ("Beta", b)], edit_dir=share))

    def many_sharers(directory):  # every entry after the first names the first stream's chain
        start = struct.unpack_from("<I", directory, 128 + 116)[0]
        for index in range(2, len(directory) // 128):
            struct.pack_into("<I", directory, index * 128 + 116, start)

    streams = [("S%d" % i, a) for i in range(12)]
    write(out, "cfb", "many-sharers.msi", cfb(streams, edit_dir=many_sharers))

    def loop(fat):
        fat[-2] = len(fat) - 3

    write(out, "cfb", "loop.msi", cfb([("Alpha", a)], edit_fat=loop))

    def difat_repeat(header):
        struct.pack_into("<I", header, 44, 4)
        for slot in range(4):
            struct.pack_into("<I", header, 76 + slot * 4, 0)

    write(out, "cfb", "difat-repeat.msi", cfb([("Alpha", a)], edit_header=difat_repeat, trailing=300_000))

    def huge_size(directory):
        struct.pack_into("<I", directory, 128 + 120, 0x7FFFFFFF)

    write(out, "cfb", "lying-size.msi", cfb([("Alpha", a)], edit_dir=huge_size))

    def difat_chain_loop(header):
        struct.pack_into("<II", header, 68, 2, 1)
        struct.pack_into("<I", header, 44, 200)

    write(out, "cfb", "difat-chain.msi", cfb([("Alpha", a)], edit_header=difat_chain_loop, trailing=200_000))


# --- RPM -------------------------------------------------------------------------------------------------------

def rpm(entries, store, count=None, store_size=None):
    lead = bytes([0xED, 0xAB, 0xEE, 0xDB, 3, 0, 0, 0]) + b"\0" * 88
    magic = bytes([0x8E, 0xAD, 0xE8, 0x01, 0, 0, 0, 0])
    signature = magic + struct.pack(">II", 0, 0)
    main = magic + struct.pack(">II", len(entries) if count is None else count,
                               len(store) if store_size is None else store_size)
    for tag, kind, offset in entries:
        main += struct.pack(">IIII", tag, kind, offset, 1)
    return lead + signature + main + store


def hostile_rpm(out):
    write(out, "rpm", "plain.rpm", rpm([(1000, 6, 0), (1001, 6, 6), (1002, 6, 10)], b"hello\x001.0\x001\x00"))
    write(out, "rpm", "name-flood.rpm", rpm([(1000, 6, 0)] * 20000, b"A" * (256 << 10)))
    write(out, "rpm", "tag-count-lie.rpm", rpm([(1000, 6, 0)], b"x\0", count=0x00FFFFFF))
    write(out, "rpm", "store-lie.rpm", rpm([(1000, 6, 0)], b"x\0", store_size=0x7FFFFFFF))
    write(out, "rpm", "offset-past-store.rpm", rpm([(1000, 6, 0x7FFFFFF0), (1003, 4, 0xFFFFFFFC)], b"x\0"))
    write(out, "rpm", "unterminated.rpm", rpm([(1000, 6, 0), (1014, 6, 0)], b"B" * 9000))


# --- Debian (ar) -----------------------------------------------------------------------------------------------

def ar_member(name, data, size=None):
    def field(text, width):
        return text.encode().ljust(width, b" ")

    header = field(name, 16) + field("0", 12) + field("0", 6) + field("0", 6) + field("100644", 8)
    header += field(str(len(data) if size is None else size), 10) + b"`\n"
    return header + data + (b"\n" if len(data) % 2 else b"")


def hostile_deb(out):
    control = io.BytesIO()
    with tarfile.open(fileobj=control, mode="w:gz") as archive:
        body = b"Package: seed\nVersion: 1\nArchitecture: all\nMaintainer: x\nDescription: seed\n"
        info = tarfile.TarInfo("./control")
        info.size = len(body)
        archive.addfile(info, io.BytesIO(body))
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as archive:
        info = tarfile.TarInfo("./usr/share/doc/seed/copyright")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"MIT"))
    deb = b"!<arch>\n" + ar_member("debian-binary", b"2.0\n") + ar_member("control.tar.gz", control.getvalue())
    deb += ar_member("data.tar.gz", data.getvalue())
    write(out, "deb", "plain.deb", deb)
    write(out, "deb", "long-names.deb", b"!<arch>\n" + ar_member("debian-binary", b"2.0\n") + ar_member("//", b"a" * (1 << 20)))
    write(out, "deb", "bsd-long-name.deb", b"!<arch>\n" + ar_member("#1/99999999", b"x" * 64))
    write(out, "deb", "size-lie.deb", b"!<arch>\n" + ar_member("debian-binary", b"2.0\n", size=999999999))
    write(out, "deb", "cut-in-data.deb", deb[: len(deb) - 40])


# --- zip family and XML ----------------------------------------------------------------------------------------

def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def hostile_zip(out):
    plain = zip_bytes([("readme.txt", b"hello"), ("LICENSE", b"MIT License")])
    write(out, "zip", "plain.zip", plain)
    # The central directory names ../../x where the local header says readme.txt (same length names).
    mismatch = bytearray(zip_bytes([("readme.txt", b"hello")]))
    central = mismatch.rfind(b"PK\x01\x02")
    at = mismatch.find(b"readme.txt", central)
    mismatch[at:at + 10] = b"../../x.tx"
    write(out, "zip", "central-local-mismatch.zip", bytes(mismatch))
    write(out, "zip", "lookalikes.zip", zip_bytes([("a\u2215\uff0e\uff0e\u2215b.txt", b"x"), ("c\u2024\u2024/d", b"y")]))
    write(out, "zip", "many-entries.zip", zip_bytes([("d/%05d" % i, b"") for i in range(3000)]))
    inner = zip_bytes([("inner.txt", b"i")])
    write(out, "zip", "inner-eocd-at-end.zip", plain[: len(plain) // 2] + inner)
    write(out, "zip", "cut-before-central.zip", plain[: plain.rfind(b"PK\x01\x02")])
    write(out, "zip", "bomb-ratio.zip", zip_bytes([("zeros", b"\0" * (8 << 20))]))


def hostile_xml(out):
    write(out, "xml", "manifest.xml", b'<?xml version="1.0"?><Package><Identity Name="Seed" Version="1.0.0.0" '
          b'Publisher="CN=Seed"/><Properties><DisplayName>Seed</DisplayName></Properties></Package>')
    laughs = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
    for level in range(1, 10):
        laughs += b'<!ENTITY %c "%s">' % (ord("a") + level, (b"&%c;" % (ord("a") + level - 1)) * 10)
    laughs += b']><Package><Identity Name="&j;"/></Package>'
    write(out, "xml", "billion-laughs.xml", laughs)
    write(out, "xml", "deep.xml", b"<a>" * 200000 + b"</a>" * 200000)
    write(out, "xml", "control-chars.xml", b'<Package><Identity Name="x\x1b[31m\nred" Version="1"/></Package>')


# --- tar, ISO, CAB, xar, PE ------------------------------------------------------------------------------------

def hostile_tar(out):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, body in [("a.txt", b"a" * 1000), ("b/LICENSE", b"MIT")]:
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    data = buffer.getvalue()
    write(out, "tar", "plain.tar", data)
    write(out, "tar", "at-header-boundary.tar", data[:512 * 3])
    write(out, "tar", "no-end-blocks.tar", data[:-1024])
    long_name = io.BytesIO()
    with tarfile.open(fileobj=long_name, mode="w", format=tarfile.GNU_FORMAT) as archive:
        info = tarfile.TarInfo("x/" * 3000 + "f")
        archive.addfile(info, io.BytesIO(b""))
    write(out, "tar", "long-name.tar", long_name.getvalue())


def hostile_iso(out):
    sector = bytearray(2048)
    sector[0:6] = b"\x01CD001"
    struct.pack_into("<I", sector, 80, 0x7FFFFFFF)  # volume space size far past the file
    write(out, "iso", "volume-size-lie.iso", b"\0" * (16 * 2048) + bytes(sector) + b"\xffCD001" + b"\0" * 2042)


def hostile_cab(out):
    header = bytearray(b"MSCF" + b"\0" * 32)
    struct.pack_into("<I", header, 8, 0x7FFFFFFF)   # cbCabinet far past the file
    struct.pack_into("<I", header, 16, 36)          # coffFiles
    header[24], header[25] = 3, 1
    struct.pack_into("<HH", header, 26, 1, 1)       # cFolders, cFiles
    write(out, "cab", "size-lie.cab", bytes(header) + b"\0" * 64)


def hostile_xar(out):
    toc = b'<?xml version="1.0"?><xar><toc><file id="1"><name>Distribution</name><data><offset>0</offset>' \
          b'<size>999999999</size><length>999999999</length><encoding style="application/octet-stream"/>' \
          b'</data></file></toc></xar>'
    import zlib
    compressed = zlib.compress(toc)
    header = b"xar!" + struct.pack(">HHQQI", 28, 1, len(compressed), len(toc), 0)
    write(out, "xar", "heap-lie.pkg", header + compressed)


def hostile_pe(out):
    mz = bytearray(b"MZ" + b"\0" * 126)
    struct.pack_into("<I", mz, 60, 0x7FFFFFF0)
    write(out, "pe", "lfanew-far.exe", bytes(mz))
    pe = bytearray(b"MZ" + b"\0" * 58 + struct.pack("<I", 64) + b"PE\0\0")
    pe += struct.pack("<HHIIIHH", 0x14C, 0xFFFF, 0, 0, 0, 224, 0x102) + b"\0" * 224
    write(out, "pe", "many-sections.exe", bytes(pe) + b"\0" * 4096)


# --- real installers from the tools the tests use ---------------------------------------------------------------

def run(command, cwd):
    return subprocess.run(command, cwd=cwd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def real_seeds(out):
    work = tempfile.mkdtemp(prefix="depot-seeds-")
    try:
        with open(os.path.join(work, "app.txt"), "w") as handle:
            handle.write("hello\n")
        wxs = """<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi"><Product Id="*" Name="Seed" Language="1033" Version="1.0.0"
 Manufacturer="City" UpgradeCode="11111111-2222-3333-4444-555555555555"><Package InstallerVersion="200" Compressed="yes"/>
<Media Id="1" Cabinet="p.cab" EmbedCab="yes"/><Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder">
<Directory Id="D" Name="Seed"><Component Id="C" Guid="11111111-2222-3333-4444-555555555556"><File Id="F" Name="app.txt"
 Source="app.txt" KeyPath="yes"/></Component></Directory></Directory></Directory><Feature Id="M" Level="1">
<ComponentRef Id="C"/></Feature></Product></Wix>"""
        with open(os.path.join(work, "seed.wxs"), "w") as handle:
            handle.write(wxs)
        steps = [
            ("cfb", "seed.msi", "wixl -o seed.msi seed.wxs"),
            ("pe", "seed.exe", "printf 'int main(void){return 0;}' > m.c && x86_64-w64-mingw32-gcc -O1 -s -o seed.exe m.c"),
            ("iso", "seed.iso", "mkdir -p iso && cp app.txt iso/ && xorriso -as mkisofs -quiet -R -o seed.iso iso"),
            ("cab", "seed.cab", "gcab -c seed.cab app.txt"),
            ("deb", "seed.deb", "mkdir -p d/DEBIAN d/opt && printf 'Package: seed\\nVersion: 1\\nArchitecture: all\\n"
                                "Maintainer: x\\nDescription: s\\n' > d/DEBIAN/control && cp app.txt d/opt/ && "
                                "dpkg-deb -Zgzip --build d seed.deb"),
            ("tar", "seed.tar", "tar -cf seed.tar app.txt"),
        ]
        for target, name, command in steps:
            if run(command, work) and os.path.exists(os.path.join(work, name)):
                with open(os.path.join(work, name), "rb") as handle:
                    write(out, target, name, handle.read())
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__.strip().splitlines()[-1])
        sys.exit(64)
    out = args[0]
    for generate in [hostile_cfb, hostile_rpm, hostile_deb, hostile_zip, hostile_xml, hostile_tar, hostile_iso,
                     hostile_cab, hostile_xar, hostile_pe]:
        generate(out)
    if "--hostile-only" not in sys.argv:
        real_seeds(out)
    for target in TARGETS:
        os.makedirs(os.path.join(out, target), exist_ok=True)
    counts = {t: len(os.listdir(os.path.join(out, t))) for t in TARGETS}
    print("seeds: " + ", ".join("%s %d" % (t, n) for t, n in counts.items()))


if __name__ == "__main__":
    main()
