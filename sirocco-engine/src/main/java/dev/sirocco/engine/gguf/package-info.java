/**
 * Reading and writing GGUF, the file format of llama.cpp: {@link dev.sirocco.engine.gguf.GgufFile} maps a
 * file once and validates it, {@link dev.sirocco.engine.gguf.GgufWriter} builds one.
 *
 * <h2>The format as we read it (GGUF v2 and v3)</h2>
 * Sources: llama.cpp {@code ggml/src/gguf.cpp} and {@code gguf-py/gguf/}. Every number is little-endian;
 * {@code u64} lengths and counts are unsigned, strings are UTF-8 without a terminator. Offsets below are
 * absolute file offsets.
 *
 * <pre>
 * header
 *   0   u8[4]  magic        "GGUF" (0x47 0x47 0x55 0x46)
 *   4   u32    version      2 or 3. v1 (32-bit counts and lengths) is rejected; a version whose low
 *                           16 bits are zero is a byte-swapped (big-endian) file, also rejected.
 *                           v2 and v3 have the same layout: v3 only allowed big-endian files.
 *   8   u64    n_tensors    number of tensor infos
 *   16  u64    n_kv         number of metadata key-value pairs
 *
 * n_kv times, a key-value pair
 *       string key          u64 byte length + bytes; non-empty, unique
 *       u32    value_type   see below
 *       value               encoded per value_type
 *
 * string  = u64 length, then length bytes of UTF-8
 *
 * value types (id: encoding)
 *   0 UINT8   1 byte        1 INT8    1 byte        2 UINT16  2 bytes       3 INT16   2 bytes
 *   4 UINT32  4 bytes       5 INT32   4 bytes       6 FLOAT32 4 bytes (IEEE 754)
 *   7 BOOL    1 byte, 0 or 1                         8 STRING  string
 *   9 ARRAY   u32 element_type, u64 length, then length values of element_type
 *             (element_type may be ARRAY again: nested arrays, each with its own type and length;
 *             gguf-py handles them, llama.cpp's C reader rejects them)
 *  10 UINT64  8 bytes      11 INT64   8 bytes      12 FLOAT64 8 bytes
 *
 * n_tensors times, a tensor info
 *       string name         unique (llama.cpp also requires fewer than 64 bytes; its writer enforces it)
 *       u32    n_dims       1..4
 *       u64[n_dims] dims    ggml order: dims[0] is the row length (innermost, contiguous);
 *                           each > 0; dims[0] a multiple of the type's block size
 *       u32    type         ggml type id (GgmlType): 0 F32, 1 F16, 2 Q4_0, 8 Q8_0, 12 Q4_K, 30 BF16, ...
 *       u64    offset       from the start of the data section; a multiple of the alignment
 *
 * padding   zeros up to the next multiple of the alignment. Writers always pad; readers (gguf.cpp, ours)
 *           skip it only when n_tensors > 0, so a file without tensors reports its data section unpadded.
 *
 * data section (starts at dataOffset)
 *       each tensor's bytes at dataOffset + offset: dims[0] / block_size * type_size bytes per row,
 *       rows = dims[1] * dims[2] * dims[3]; writers pad every tensor, the last one included, to the alignment
 * </pre>
 *
 * The alignment is the UINT32 metadata value {@code general.alignment} (a power of two), 32 when absent.
 * Alignment is relative to the start of the file.
 *
 * <h2>What the reader checks, before using any of it</h2>
 * Each count, length and array length (nested ones included) against the bytes that remain, using the
 * smallest possible encoding of one element, so a claim of 2^62 elements fails before anything is
 * allocated; value type ids; BOOL bytes; strict UTF-8 (no overlong forms, surrogates or code points above
 * U+10FFFF); duplicate and empty keys; duplicate tensor names; n_dims; each dimension and the element and
 * byte counts against 63-bit overflow; the row length against the block size; ggml type ids Sirocco knows;
 * the alignment; and every tensor's offset: aligned, inside the data section, its data ending inside the
 * file and overlapping no other tensor. (llama.cpp further insists that tensors are packed in table order;
 * we accept any non-overlapping layout.) Arrays nest at most 16 deep.
 * Every failure is a {@link dev.sirocco.engine.gguf.GgufFormatException} naming the file, byte offset and
 * field, e.g. {@code model.gguf: at byte 1234, tensor_infos[3].n_dims: expected 1..4, got 77}.
 *
 * <h2>How values look in Java</h2>
 * Unsigned integers are widened to the next larger signed type (UINT8 as Short, UINT16 as Integer, UINT32
 * as Long); UINT64 keeps its 64 bits in a Long. Arrays are {@link dev.sirocco.engine.gguf.GgufArray}s of
 * primitive arrays with the same widening. All file offsets are {@code long}s and the file is one
 * {@link java.lang.foreign.MemorySegment}, so files over 2 GiB need nothing special.
 */
package dev.sirocco.engine.gguf;
