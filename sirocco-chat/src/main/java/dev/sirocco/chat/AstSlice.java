package dev.sirocco.chat;

import java.util.ArrayList;
import java.util.List;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstRightValue;
import jinjava.javax.el.ELContext;

/**
 * A Python slice with a step, {@code seq[start:stop:step]}, which Jinjava cannot parse; Qwen3's template walks the
 * conversation backwards with {@code messages[::-1]}. Lists and strings, Python's clamping and negative indices.
 */
final class AstSlice extends AstRightValue {

    private final AstNode base;
    private final AstNode start; // each of start, stop, step may be null (omitted)
    private final AstNode stop;
    private final AstNode step;

    AstSlice(AstNode base, AstNode start, AstNode stop, AstNode step) {
        this.base = base;
        this.start = start;
        this.stop = stop;
        this.step = step;
    }

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        Object seq = base.eval(bindings, context);
        if (seq == null) return null;
        int length;
        if (seq instanceof CharSequence s) length = s.length();
        else if (seq instanceof List<?> l) length = l.size();
        else throw new IllegalArgumentException("cannot slice a " + seq.getClass().getSimpleName());
        long stepValue = index(step, bindings, context, 1);
        if (stepValue == 0) throw new IllegalArgumentException("slice step cannot be zero");
        List<Integer> picked = indices(length, start == null ? null : index(start, bindings, context, 0),
                stop == null ? null : index(stop, bindings, context, 0), stepValue);
        if (seq instanceof CharSequence s) {
            StringBuilder out = new StringBuilder();
            for (int i : picked) out.append(s.charAt(i));
            return out.toString();
        }
        List<?> list = (List<?>) seq;
        List<Object> out = new ArrayList<>(picked.size());
        for (int i : picked) out.add(list.get(i));
        return out;
    }

    /** Python's slice.indices(length), then the positions it walks. */
    static List<Integer> indices(int length, Long start, Long stop, long step) {
        long lo;
        long hi;
        if (step > 0) {
            lo = start == null ? 0 : clamp(start < 0 ? start + length : start, 0, length);
            hi = stop == null ? length : clamp(stop < 0 ? stop + length : stop, 0, length);
        } else {
            lo = start == null ? length - 1 : clamp(start < 0 ? start + length : start, -1, length - 1);
            hi = stop == null ? -1 : clamp(stop < 0 ? stop + length : stop, -1, length - 1);
        }
        List<Integer> out = new ArrayList<>();
        for (long i = lo; step > 0 ? i < hi : i > hi; i += step) out.add((int) i);
        return out;
    }

    private static long clamp(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }

    private static long index(AstNode node, Bindings bindings, ELContext context, long absent) {
        if (node == null) return absent;
        Object v = node.eval(bindings, context);
        if (v == null) return absent;
        if (v instanceof Number n) return n.longValue();
        throw new IllegalArgumentException("slice indices must be integers, got " + v);
    }

    @Override
    public void appendStructure(StringBuilder b, Bindings bindings) {
        base.appendStructure(b, bindings);
        b.append('[');
        if (start != null) start.appendStructure(b, bindings);
        b.append(':');
        if (stop != null) stop.appendStructure(b, bindings);
        b.append(':');
        if (step != null) step.appendStructure(b, bindings);
        b.append(']');
    }

    @Override
    public int getCardinality() {
        return 4;
    }

    @Override
    public AstNode getChild(int i) {
        return switch (i) {
            case 0 -> base;
            case 1 -> start;
            case 2 -> stop;
            case 3 -> step;
            default -> null;
        };
    }

    @Override
    public String toString() {
        return "[::]";
    }
}
