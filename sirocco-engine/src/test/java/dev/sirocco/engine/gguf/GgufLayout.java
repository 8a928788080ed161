package dev.sirocco.engine.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent walk over a VALID GGUF file (written for the tests, sharing no code with the reader)
 * that records where each structural field lies, so tests can corrupt exactly one field and know which
 * byte offset the reader must blame.
 */
final class GgufLayout {

    /** A structural field: its position, width in bytes and the reader's name for it. */
    record FieldAt(String name, long offset, int width) {}

    final List<FieldAt> fields = new ArrayList<>();
    final Map<String, FieldAt> byName = new LinkedHashMap<>();
    /** Offsets where a section ends: header, each kv, each tensor info, data start, each tensor's data. */
    final List<Long> boundaries = new ArrayList<>();
    final List<long[]> tensorData = new ArrayList<>(); // {start, end} absolute
    long dataOffset;
    int alignment = 32;

    private final ByteBuffer b;

    private GgufLayout(byte[] file) {
        b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    }

    static GgufLayout of(byte[] file) {
        GgufLayout l = new GgufLayout(file);
        l.walk();
        return l;
    }

    FieldAt field(String name) {
        FieldAt f = byName.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no field " + name + " in " + byName.keySet());
        }
        return f;
    }

    private void record(String name, int width) {
        FieldAt f = new FieldAt(name, b.position(), width);
        fields.add(f);
        byName.put(name, f);
    }

    private void walk() {
        b.position(4);
        record("version", 4);
        b.getInt();
        record("n_tensors", 8);
        long nTensors = b.getLong();
        record("n_kv", 8);
        long nKv = b.getLong();
        boundaries.add((long) b.position());
        for (int i = 0; i < nKv; i++) {
            String key = string("kv[" + i + "].key");
            String base = "kv['" + key + "']";
            record(base + ".type", 4);
            int type = b.getInt();
            if (key.equals("general.alignment")) {
                alignment = b.getInt(b.position());
            }
            value(type, base + ".value");
            boundaries.add((long) b.position());
        }
        long[] rel = new long[(int) nTensors];
        long[] sizes = new long[(int) nTensors];
        for (int i = 0; i < nTensors; i++) {
            String base = "tensor_infos[" + i + "]";
            string(base + ".name");
            record(base + ".n_dims", 4);
            int nDims = b.getInt();
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                record(base + ".dims[" + d + "]", 8);
                elements *= b.getLong();
            }
            record(base + ".type", 4);
            int type = b.getInt();
            record(base + ".offset", 8);
            rel[i] = b.getLong();
            sizes[i] = switch (type) {
                case 0 -> elements * 4;
                case 1, 30 -> elements * 2;
                case 8 -> elements / 32 * 34;
                case 12 -> elements / 256 * 144;
                default -> throw new IllegalStateException("layout walker does not know type " + type);
            };
            boundaries.add((long) b.position());
        }
        dataOffset = (b.position() + alignment - 1) / alignment * alignment;
        boundaries.add(dataOffset);
        for (int i = 0; i < nTensors; i++) {
            tensorData.add(new long[] {dataOffset + rel[i], dataOffset + rel[i] + sizes[i]});
            boundaries.add(dataOffset + rel[i]);
            boundaries.add(dataOffset + rel[i] + sizes[i]);
        }
    }

    private String string(String name) {
        record(name + ".length", 8);
        int n = (int) b.getLong();
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void scalar(String name, int width) {
        record(name, width);
        b.position(b.position() + width);
    }

    private void value(int type, String name) {
        switch (type) {
            case 0, 1, 7 -> scalar(name, 1);
            case 2, 3 -> scalar(name, 2);
            case 4, 5, 6 -> scalar(name, 4);
            case 10, 11, 12 -> scalar(name, 8);
            case 8 -> string(name);
            case 9 -> {
                record(name + ".element_type", 4);
                int et = b.getInt();
                record(name + ".length", 8);
                long n = b.getLong();
                for (int i = 0; i < n; i++) {
                    value(et, name + "[" + i + "]");
                }
            }
            default -> throw new IllegalStateException("bad type " + type);
        }
    }
}
