package dev.sirocco.chat.constraint;

/**
 * One node of a compiled JSON grammar; {@link JsonMatcher} frames refer to nodes by {@link #id}. Mutable only while
 * {@link SchemaCompiler} builds the grammar, read-only once a matcher uses it.
 */
final class GrammarNode {
    static final int SEQUENCE = 0; // literal prefix, a value, literal suffix
    static final int OBJECT = 1;   // declared properties in order, no others
    static final int MAP = 2;      // any keys, each value of one schema
    static final int ARRAY = 3;
    static final int STRING = 4;
    static final int NUMBER = 5;
    static final int LITERALS = 6; // one of a set of fixed encodings: enum, const, true/false, null
    static final int UNION = 7;    // any of the branches, decided as bytes rule branches out

    final int kind;
    final int id;
    final String path; // the schema location it was compiled from, for errors
    int minLength = JsonMatcher.INF; // bytes of the shortest value

    // SEQUENCE
    byte[] prefix;
    byte[] suffix;
    int child = -1; // SEQUENCE: the value; MAP: the values; ARRAY: the items
    int keyString = -1; // MAP: the string node its keys follow

    // OBJECT: keys[j] is the encoded `"name":`
    byte[][] keys;
    int[] values;
    boolean[] required;
    long[] reachable;    // (props + 1): properties that may come next when j is the next index (none required between)
    boolean[] mayClose;  // (props + 1): no required property at index >= j
    int[] restAfter;     // (props + 1): bytes to close after a value when j is the next index

    // ARRAY: counts; STRING: lengths in characters
    int min;
    int max = Integer.MAX_VALUE;

    // NUMBER: values scaled by scale (1 for integers, 10^FRACTION_DIGITS for numbers) as exact longs
    boolean integer;
    long low;
    long high;

    // LITERALS: sorted unsigned
    byte[][] literals;

    // UNION
    int[] branches;

    GrammarNode(int kind, int id, String path) {
        this.kind = kind;
        this.id = id;
        this.path = path;
    }
}
