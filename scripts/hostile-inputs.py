#!/usr/bin/env python3
"""The hostile installers of issue 23 at full scale, for `make bench` (peak RSS and time per input).

usage: hostile-inputs.py OUTPUT_DIR
Writes msi-shared-chain.msi (60,000 directory entries naming one 4 MiB chain), msi-difat-repeat.msi (an 8 GiB
sparse file whose DIFAT names one sector 131,072 times), rpm-name-flood.rpm (65,535 NAME tags, the most a header
may hold, at one unterminated 8 MiB string), rpm-tag-flood.rpm (524,000 tags), deb-long-names.deb (a 32 MiB
long-names table) and pe-sparse.exe (a 2 GiB sparse executable with one huge section).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
fuzz_seeds = __import__("fuzz-seeds")

END, FREE, FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD


def shared_chain_msi(path, entries=60000, chain_bytes=4 << 20):
    size = 4096
    per = size // 4
    dir_sectors = (entries + 1 + size // 128 - 1) // (size // 128)
    data_sectors = chain_bytes // size
    fat_sectors = 1
    while fat_sectors * per < fat_sectors + dir_sectors + data_sectors:
        fat_sectors += 1
    total = fat_sectors + dir_sectors + data_sectors
    fat = [FATSECT] * fat_sectors
    dir_start = len(fat)
    fat += [dir_start + i + 1 if i < dir_sectors - 1 else END for i in range(dir_sectors)]
    data_start = len(fat)
    fat += [data_start + i + 1 if i < data_sectors - 1 else END for i in range(data_sectors)]
    fat += [FREE] * (fat_sectors * per - len(fat))
    header = bytearray(size)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 4, 0xFFFE, 12, 6)
    struct.pack_into("<III", header, 40, dir_sectors, fat_sectors, dir_start)
    struct.pack_into("<IIII", header, 56, 4096, END, 0, END)
    struct.pack_into("<I", header, 72, 0)
    for slot in range(109):
        struct.pack_into("<I", header, 76 + slot * 4, slot if slot < fat_sectors else FREE)
    directory = bytearray(dir_sectors * size)

    def entry(index, name, kind, right, child, start, length):
        base = index * 128
        units = name.encode("utf-16-le")
        directory[base:base + len(units)] = units
        struct.pack_into("<HBB", directory, base + 64, len(units) + 2, kind, 1)
        struct.pack_into("<III", directory, base + 68, FREE, right, child)
        struct.pack_into("<II", directory, base + 116, start, length)
        struct.pack_into("<I", directory, base + 120, length)

    entry(0, "Root Entry", 5, FREE, 1, END, 0)
    entry(1, "\x05DigitalSignature", 2, 2, FREE, data_start, chain_bytes)
    for index in range(2, entries + 1):
        entry(index, "S%05d" % index, 2, index + 1 if index < entries else FREE, FREE, data_start, chain_bytes)
    with open(path, "wb") as out:
        out.write(header)
        out.write(b"".join(struct.pack("<I", v) for v in fat))
        out.write(directory)
        out.write(bytes(range(256)) * (chain_bytes // 256))
    assert os.path.getsize(path) == (total + 1) * size


def difat_repeat_msi(path, gigabytes=8):
    size = 512
    header = bytearray(size)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    sectors = (gigabytes << 30) // size - 1
    fat_needed = (sectors + 127) // 128
    difat_sectors = (fat_needed - 109 + 126) // 127
    struct.pack_into("<III", header, 40, 0, fat_needed, 1)
    struct.pack_into("<IIIII", header, 56, 4096, END, 0, 2, difat_sectors)
    for slot in range(109):
        struct.pack_into("<I", header, 76 + slot * 4, 0)
    with open(path, "wb") as out:
        out.write(header)
        out.write(b"\xfd\xff\xff\xff" + b"\xfe\xff\xff\xff" + b"\xff" * (size - 8))  # sector 0: the FAT, sector 1
        out.write(b"\0" * size)                                                   # sector 1: directory (empty)
        for index in range(difat_sectors):                                        # sectors 2..: DIFAT, all naming 0
            body = b"\0\0\0\0" * 127 + struct.pack("<I", 3 + index if index < difat_sectors - 1 else END)
            out.write(body)
        out.truncate(gigabytes << 30)


def pe_sparse(path, gigabytes=2):
    pe = bytearray(b"MZ" + b"\0" * 58 + struct.pack("<I", 64) + b"PE\0\0")
    pe += struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 240, 0x22)
    optional = bytearray(240)
    struct.pack_into("<H", optional, 0, 0x20B)
    struct.pack_into("<I", optional, 108, 16)
    pe += optional
    section = bytearray(40)
    section[0:6] = b".data\0"
    struct.pack_into("<IIII", section, 8, gigabytes << 30, 0x1000, (gigabytes << 30) - 4096, 4096)
    pe += section
    with open(path, "wb") as out:
        out.write(pe + b"\0" * (4096 - len(pe)))
        out.truncate(gigabytes << 30)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-7])
        sys.exit(64)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    shared_chain_msi(os.path.join(out, "msi-shared-chain.msi"))
    difat_repeat_msi(os.path.join(out, "msi-difat-repeat.msi"))
    with open(os.path.join(out, "rpm-name-flood.rpm"), "wb") as handle:
        handle.write(fuzz_seeds.rpm([(1000, 6, 0)] * 65535, b"A" * (8 << 20)))
    with open(os.path.join(out, "rpm-tag-flood.rpm"), "wb") as handle:
        handle.write(fuzz_seeds.rpm([(1000, 6, 0)] * 524000, b"A" * (4 << 20)))
    with open(os.path.join(out, "deb-long-names.deb"), "wb") as handle:
        handle.write(b"!<arch>\n" + fuzz_seeds.ar_member("debian-binary", b"2.0\n") + fuzz_seeds.ar_member("//", b"a" * (32 << 20)))
    pe_sparse(os.path.join(out, "pe-sparse.exe"))
    for name in sorted(os.listdir(out)):
        print("%s %d" % (name, os.path.getsize(os.path.join(out, name))))


if __name__ == "__main__":
    main()
