#!/usr/bin/python3
"""Writes the deterministic Fashion-MNIST subset kept in this directory.

Usage: /usr/bin/python3 make_subset.py [SOURCE_DIR] [OUTPUT_DIR]
  SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist)
  OUTPUT_DIR defaults to the directory holding this script.

Selection: walking each source file in file order, keep a sample while its class has fewer than
PER_CLASS[split] kept samples (600 per class for train, 100 per class for t10k); the kept samples
stay in file order. Only the Python standard library is used. The gzip streams are written with
mtime 0 and no file name, so the same input gives byte-identical output with the same zlib.
"""
import gzip
import hashlib
import os
import struct
import sys

PER_CLASS = {"train": 600, "t10k": 100}
CLASSES = 10


def read_idx(path, expected_dims):
    with open(path, "rb") as f:
        raw = f.read()
    data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08 or data[3] != expected_dims:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file with {expected_dims} dimensions")
    header = 4 + 4 * expected_dims
    dims = struct.unpack(">" + "I" * expected_dims, data[4:header])
    size = 1
    for d in dims:
        size *= d
    if len(data) - header != size:
        raise SystemExit(f"{path}: header says {dims}, data has {len(data) - header} bytes")
    return dims, data[header:]


def write_idx(path, dims, payload):
    header = bytes([0, 0, 0x08, len(dims)]) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            g.write(header)
            g.write(payload)


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    output = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    for split, per_class in PER_CLASS.items():
        image_name = f"{split}-images-idx3-ubyte.gz"
        label_name = f"{split}-labels-idx1-ubyte.gz"
        (n, rows, cols), images = read_idx(os.path.join(source, image_name), 3)
        (n_labels,), labels = read_idx(os.path.join(source, label_name), 1)
        if n != n_labels:
            raise SystemExit(f"{split}: {n} images but {n_labels} labels")
        pixels = rows * cols
        kept = []
        counts = [0] * CLASSES
        for i in range(n):
            c = labels[i]
            if c >= CLASSES:
                raise SystemExit(f"{split}: label {c} at index {i} is not a Fashion-MNIST class")
            if counts[c] < per_class:
                counts[c] += 1
                kept.append(i)
        if any(k != per_class for k in counts):
            raise SystemExit(f"{split}: not enough samples per class: {counts}")
        sub_images = b"".join(images[i * pixels:(i + 1) * pixels] for i in kept)
        sub_labels = bytes(labels[i] for i in kept)
        write_idx(os.path.join(output, image_name), (len(kept), rows, cols), sub_images)
        write_idx(os.path.join(output, label_name), (len(kept),), sub_labels)
        print(f"{split}: kept {len(kept)} of {n} (source indices {kept[0]}..{kept[-1]}), "
              f"images sha256 {hashlib.sha256(sub_images).hexdigest()}, "
              f"labels sha256 {hashlib.sha256(sub_labels).hexdigest()}")


if __name__ == "__main__":
    main()
