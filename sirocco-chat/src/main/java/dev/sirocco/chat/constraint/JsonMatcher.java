package dev.sirocco.chat.constraint;

import dev.sirocco.engine.runtime.constraint.ByteMatcher;

import java.util.Arrays;

/**
 * A pushdown automaton over the bytes of a JSON value, driven by a compiled grammar: each thread is a stack of frames
 * (node, phase, three counters), one per open value. Where the grammar branches (anyOf, a type list, a number or
 * literal that may end or go on) a thread forks and the bytes that follow decide; identical threads merge. Every
 * frame knows the fewest bytes that finish it, so {@link #closingCost()} is exact.
 */
final class JsonMatcher implements ByteMatcher {
    static final int INF = ByteMatcher.UNREACHABLE;
    /** Containers nest at most this deep: a model cannot open brackets forever. */
    static final int MAX_DEPTH = 32;
    /** Fraction digits of a {@code number} (values are exact on a 10^-6 grid); integer digits are bounded too. */
    static final int FRACTION_DIGITS = 6;
    static final long NUMBER_SCALE = 1_000_000L;
    static final int NUMBER_INT_DIGITS = 9;
    static final int INTEGER_DIGITS = 15;
    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    // frame layout: [node | phase << 32, a, b, c]
    private static final int FRAME = 4;
    private static final int MAX_THREADS = 64;

    // phases
    /**
     * A flag on a frame's phase: its one optional space is taken. Models write JSON as Python's json.dumps and
     * Jinja's tojson do ({@code {"name": "x", "arguments": {...}}}); forcing compact JSON on them pushes every value
     * off their own distribution. So one space may come before a value below the root and after a comma between
     * members; spaces are optional and never counted in the closing cost.
     */
    private static final int SPACED = 1 << 16;
    static final int START = 0;
    private static final int SEQ_PREFIX = 1;
    private static final int SEQ_VALUE = 2;
    private static final int SEQ_SUFFIX = 3;
    private static final int OBJ_FIRST = 1;   // after '{'
    private static final int OBJ_KEY = 2;     // a: next index, b: candidate mask, c: bytes of key matched
    private static final int OBJ_VALUE = 3;   // a: index after the property whose value is open
    private static final int OBJ_AFTER = 4;   // a: next index
    private static final int OBJ_NEXT = 5;    // after ',': a key must follow
    private static final int MAP_FIRST = 1;
    private static final int MAP_KEY = 2;
    private static final int MAP_COLON = 3;
    private static final int MAP_VALUE = 4;
    private static final int MAP_AFTER = 5;
    private static final int MAP_NEXT = 6;
    private static final int ARR_FIRST = 1;   // a: items so far
    private static final int ARR_ITEM = 2;
    private static final int ARR_AFTER = 3;
    private static final int ARR_NEXT = 4;
    static final int STR_BODY = 1;    // a: characters, b: UTF-8 continuation (left << 16 | lo << 8 | hi), c: escape
    private static final int NUM_SIGN = 1;    // a: digits as one integer, b: negative | intLen << 1 | fracLen << 8
    private static final int NUM_INT = 2;
    private static final int NUM_DOT = 3;
    private static final int NUM_FRAC = 4;
    private static final int LIT_MATCH = 1;   // a..b: candidate literals, c: bytes matched

    private final GrammarNode[] nodes;
    private final int root;
    private Stack[] threads;
    private int count;
    private Stack[] next;
    private int nextUsed;

    /** A thread: frames[0 .. depth * FRAME). */
    private static final class Stack {
        long[] frames = new long[FRAME * 8];
        int depth;
        boolean live;

        void copyFrom(Stack o) {
            if (frames.length < o.depth * FRAME) {
                frames = new long[o.frames.length];
            }
            System.arraycopy(o.frames, 0, frames, 0, o.depth * FRAME);
            depth = o.depth;
        }

        boolean sameAs(Stack o) {
            return depth == o.depth && Arrays.equals(frames, 0, depth * FRAME, o.frames, 0, depth * FRAME);
        }

        void push(int node, int phase) {
            int at = depth * FRAME;
            if (at + FRAME > frames.length) {
                frames = Arrays.copyOf(frames, frames.length * 2);
            }
            frames[at] = node | (long) phase << 32;
            frames[at + 1] = 0;
            frames[at + 2] = 0;
            frames[at + 3] = 0;
            depth++;
        }
    }

    JsonMatcher(GrammarNode[] nodes, int root) {
        this.nodes = nodes;
        this.root = root;
        this.threads = new Stack[] {new Stack()};
        this.next = new Stack[] {new Stack()};
        threads[0].push(root, START);
        count = 1;
        settle(threads[0]);
    }

    private JsonMatcher(JsonMatcher o) {
        this.nodes = o.nodes;
        this.root = o.root;
        this.threads = new Stack[Math.max(1, o.count)];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Stack();
        }
        this.next = new Stack[] {new Stack()};
        copyFrom(o);
    }

    @Override
    public ByteMatcher copy() {
        return new JsonMatcher(this);
    }

    @Override
    public void copyFrom(ByteMatcher other) {
        JsonMatcher o = (JsonMatcher) other;
        if (threads.length < o.count) {
            int old = threads.length;
            threads = Arrays.copyOf(threads, o.count);
            for (int i = old; i < threads.length; i++) {
                threads[i] = new Stack();
            }
        }
        for (int i = 0; i < o.count; i++) {
            threads[i].copyFrom(o.threads[i]);
        }
        count = o.count;
    }

    @Override
    public boolean accept(int b) {
        nextUsed = 0;
        for (int i = 0; i < count; i++) {
            Stack s = alloc();
            s.copyFrom(threads[i]);
            s.live = step(s, b);
        }
        int kept = 0;
        for (int i = 0; i < nextUsed; i++) {
            Stack s = next[i];
            if (!s.live || kept >= MAX_THREADS) {
                continue;
            }
            boolean duplicate = false;
            for (int j = 0; j < kept && !duplicate; j++) {
                duplicate = next[j].sameAs(s);
            }
            if (!duplicate) {
                next[i] = next[kept];
                next[kept++] = s;
            }
        }
        Stack[] t = threads;
        threads = next;
        next = t;
        count = kept;
        return kept > 0;
    }

    @Override
    public int closingCost() {
        int best = INF;
        for (int i = 0; i < count; i++) {
            Stack s = threads[i];
            long sum = 0;
            for (int f = 0; f < s.depth && sum < best; f++) {
                sum += frameCost(s, f);
            }
            if (sum < best) {
                best = (int) sum;
            }
        }
        return best;
    }

    @Override
    public int plainTextLimit() {
        if (count != 1) {
            return -1;
        }
        Stack s = threads[0];
        int f = s.depth - 1;
        if (f < 0 || nodes[nodeOf(s, f)].kind != GrammarNode.STRING || phaseOf(s, f) != STR_BODY || b(s, f) != 0 || c(s, f) != 0) {
            return -1;
        }
        return (int) Math.min(Integer.MAX_VALUE - 1, nodes[nodeOf(s, f)].max - a(s, f));
    }

    @Override
    public int closingCostAfterPlainText(int n) {
        Stack s = threads[0];
        int f = s.depth - 1;
        long sum = 0;
        for (int i = 0; i < f; i++) {
            sum += frameCost(s, i);
        }
        GrammarNode string = nodes[nodeOf(s, f)];
        return (int) Math.min(INF, sum + Math.max(0, string.min - a(s, f) - n) + 1);
    }

    private Stack alloc() {
        if (nextUsed == next.length) {
            int old = next.length;
            next = Arrays.copyOf(next, old * 2);
            for (int i = old; i < next.length; i++) {
                next[i] = new Stack();
            }
        }
        Stack s = next[nextUsed++];
        s.live = false;
        return s;
    }

    // ---- frame access

    private static int nodeOf(Stack s, int f) {
        return (int) s.frames[f * FRAME];
    }

    private static int phaseOf(Stack s, int f) {
        return (int) (s.frames[f * FRAME] >>> 32) & ~SPACED;
    }

    /** Whether the frame already took its one optional space (see {@link #SPACED}). */
    private static boolean spaced(Stack s, int f) {
        return (s.frames[f * FRAME] >>> 32 & SPACED) != 0;
    }

    private static void markSpaced(Stack s, int f) {
        s.frames[f * FRAME] |= (long) SPACED << 32;
    }

    private static void setPhase(Stack s, int f, int phase) {
        s.frames[f * FRAME] = nodeOf(s, f) | (long) phase << 32;
    }

    private static void setNode(Stack s, int f, int node) {
        s.frames[f * FRAME] = node | (s.frames[f * FRAME] & 0xFFFF_FFFF_0000_0000L); // keeps the phase and the space
    }

    private static long a(Stack s, int f) {
        return s.frames[f * FRAME + 1];
    }

    private static long b(Stack s, int f) {
        return s.frames[f * FRAME + 2];
    }

    private static long c(Stack s, int f) {
        return s.frames[f * FRAME + 3];
    }

    private static void set(Stack s, int f, long a, long b, long c) {
        s.frames[f * FRAME + 1] = a;
        s.frames[f * FRAME + 2] = b;
        s.frames[f * FRAME + 3] = c;
    }

    // ---- transitions

    /** Pushes a value of {@code node}; a sequence with an empty prefix moves straight to its value. */
    private void pushValue(Stack s, int node) {
        s.push(node, START);
        settle(s);
    }

    private void settle(Stack s) {
        int f = s.depth - 1;
        GrammarNode n = nodes[nodeOf(s, f)];
        if (n.kind == GrammarNode.SEQUENCE && phaseOf(s, f) == START) {
            if (n.prefix.length == 0) {
                setPhase(s, f, SEQ_VALUE);
                pushValue(s, n.child);
            } else {
                setPhase(s, f, SEQ_PREFIX);
            }
        }
    }

    /** Closes the top frame (its value is complete) and moves its parent on. */
    private void pop(Stack s) {
        s.depth--;
        int f = s.depth - 1;
        if (f < 0) {
            return;
        }
        GrammarNode n = nodes[nodeOf(s, f)];
        switch (n.kind) {
            case GrammarNode.SEQUENCE -> {
                if (n.suffix.length == 0) {
                    pop(s);
                } else {
                    setPhase(s, f, SEQ_SUFFIX);
                    set(s, f, 0, 0, 0);
                }
            }
            case GrammarNode.OBJECT -> setPhase(s, f, OBJ_AFTER);
            case GrammarNode.MAP -> setPhase(s, f, phaseOf(s, f) == MAP_KEY ? MAP_COLON : MAP_AFTER);
            case GrammarNode.ARRAY -> setPhase(s, f, ARR_AFTER);
            default -> throw new IllegalStateException("a " + n.kind + " frame has no children");
        }
    }

    /** Feeds one byte to a thread; forks (committed directly to the next threads) where the grammar branches. */
    private boolean step(Stack s, int b) {
        int f = s.depth - 1;
        if (f < 0) {
            return false; // the value is complete and nothing may follow
        }
        if (endsOptionally(s, f) && frameCost(s, f) == 0) {
            // a number or literal that is complete but could go on: also try ending it here
            Stack alt = alloc();
            alt.copyFrom(s);
            pop(alt);
            alt.live = step(alt, b);
        }
        GrammarNode n = nodes[nodeOf(s, f)];
        if (b == ' ' && !spaced(s, f) && spaceMayCome(s, f, n, phaseOf(s, f))) {
            markSpaced(s, f);
            return true;
        }
        return switch (n.kind) {
            case GrammarNode.SEQUENCE -> stepSequence(s, f, n, b);
            case GrammarNode.OBJECT -> stepObject(s, f, n, b);
            case GrammarNode.MAP -> stepMap(s, f, n, b);
            case GrammarNode.ARRAY -> stepArray(s, f, n, b);
            case GrammarNode.STRING -> stepString(s, f, n, b);
            case GrammarNode.NUMBER -> stepNumber(s, f, n, b);
            case GrammarNode.LITERALS -> stepLiterals(s, f, n, b);
            case GrammarNode.UNION -> {
                for (int branch : n.branches) {
                    Stack alt = alloc();
                    alt.copyFrom(s);
                    setNode(alt, f, branch);
                    alt.live = step(alt, b);
                }
                yield false;
            }
            default -> throw new IllegalStateException("unknown node kind " + n.kind);
        };
    }

    /**
     * Where the one optional space may come: before a value inside an object or array (not before the whole output,
     * whose parent is the sequence that wraps it) and after a comma in an object.
     */
    private boolean spaceMayCome(Stack s, int f, GrammarNode n, int phase) {
        return phase == START && f > 0 && n.kind != GrammarNode.SEQUENCE && nodes[nodeOf(s, f - 1)].kind != GrammarNode.SEQUENCE
                || n.kind == GrammarNode.OBJECT && phase == OBJ_NEXT
                || n.kind == GrammarNode.MAP && phase == MAP_NEXT;
    }

    private boolean endsOptionally(Stack s, int f) {
        int kind = nodes[nodeOf(s, f)].kind;
        return kind == GrammarNode.NUMBER || kind == GrammarNode.LITERALS && phaseOf(s, f) == LIT_MATCH;
    }

    private boolean stepSequence(Stack s, int f, GrammarNode n, int b) {
        int phase = phaseOf(s, f);
        int pos = (int) a(s, f);
        if (phase == SEQ_PREFIX) {
            if ((n.prefix[pos] & 0xFF) != b) {
                return false;
            }
            set(s, f, pos + 1, 0, 0);
            if (pos + 1 == n.prefix.length) {
                setPhase(s, f, SEQ_VALUE);
                pushValue(s, n.child);
            }
            return true;
        }
        if (phase == SEQ_SUFFIX) {
            if ((n.suffix[pos] & 0xFF) != b) {
                return false;
            }
            set(s, f, pos + 1, 0, 0);
            if (pos + 1 == n.suffix.length) {
                s.depth--; // the root: nothing may follow
            }
            return true;
        }
        return false;
    }

    private boolean stepObject(Stack s, int f, GrammarNode n, int b) {
        switch (phaseOf(s, f)) {
            case START -> {
                if (b != '{' || s.depth > MAX_DEPTH) {
                    return false;
                }
                setPhase(s, f, OBJ_FIRST);
                set(s, f, 0, 0, 0);
                return true;
            }
            case OBJ_FIRST, OBJ_NEXT -> {
                int at = (int) a(s, f);
                if (b == '}' && phaseOf(s, f) == OBJ_FIRST && n.mayClose[at]) {
                    pop(s);
                    return true;
                }
                if (b != '"' || n.reachable[at] == 0) {
                    return false;
                }
                setPhase(s, f, OBJ_KEY);
                set(s, f, at, n.reachable[at], 1);
                return true;
            }
            case OBJ_KEY -> {
                long mask = b(s, f);
                int pos = (int) c(s, f);
                long kept = 0;
                int done = -1;
                for (long m = mask; m != 0; m &= m - 1) {
                    int j = Long.numberOfTrailingZeros(m);
                    byte[] key = n.keys[j];
                    if (key.length > pos && (key[pos] & 0xFF) == b) {
                        kept |= 1L << j;
                        if (key.length == pos + 1) {
                            done = j;
                        }
                    }
                }
                if (kept == 0) {
                    return false;
                }
                if (done >= 0) { // keys end in `":`, which no other key has inside it
                    setPhase(s, f, OBJ_VALUE);
                    set(s, f, done + 1, 0, 0);
                    pushValue(s, n.values[done]);
                } else {
                    set(s, f, a(s, f), kept, pos + 1);
                }
                return true;
            }
            case OBJ_AFTER -> {
                int at = (int) a(s, f);
                if (b == ',' && n.reachable[at] != 0) {
                    setPhase(s, f, OBJ_NEXT);
                    return true;
                }
                if (b == '}' && n.mayClose[at]) {
                    pop(s);
                    return true;
                }
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    private boolean stepMap(Stack s, int f, GrammarNode n, int b) {
        switch (phaseOf(s, f)) {
            case START -> {
                if (b != '{' || s.depth > MAX_DEPTH) {
                    return false;
                }
                setPhase(s, f, MAP_FIRST);
                return true;
            }
            case MAP_FIRST, MAP_NEXT -> {
                if (b == '}' && phaseOf(s, f) == MAP_FIRST) {
                    pop(s);
                    return true;
                }
                if (b != '"') {
                    return false;
                }
                setPhase(s, f, MAP_KEY);
                s.push(n.keyString, STR_BODY);
                return true;
            }
            case MAP_COLON -> {
                if (b != ':') {
                    return false;
                }
                setPhase(s, f, MAP_VALUE);
                pushValue(s, n.child);
                return true;
            }
            case MAP_AFTER -> {
                if (b == ',') {
                    setPhase(s, f, MAP_NEXT);
                    return true;
                }
                if (b == '}') {
                    pop(s);
                    return true;
                }
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    private boolean stepArray(Stack s, int f, GrammarNode n, int b) {
        switch (phaseOf(s, f)) {
            case START -> {
                if (b != '[' || s.depth > MAX_DEPTH) {
                    return false;
                }
                setPhase(s, f, ARR_FIRST);
                set(s, f, 0, 0, 0);
                return true;
            }
            case ARR_FIRST, ARR_NEXT -> {
                long items = a(s, f);
                if (b == ']' && phaseOf(s, f) == ARR_FIRST && n.min == 0) {
                    pop(s);
                    return true;
                }
                if (items >= n.max) {
                    return false;
                }
                setPhase(s, f, ARR_ITEM);
                set(s, f, items + 1, 0, 0);
                pushValue(s, n.child);
                return step(s, b);
            }
            case ARR_AFTER -> {
                long items = a(s, f);
                if (b == ',' && items < n.max) {
                    setPhase(s, f, ARR_NEXT);
                    return true;
                }
                if (b == ']' && items >= n.min) {
                    pop(s);
                    return true;
                }
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    private boolean stepString(Stack s, int f, GrammarNode n, int b) {
        if (phaseOf(s, f) == START) {
            if (b != '"') {
                return false;
            }
            setPhase(s, f, STR_BODY);
            return true;
        }
        long chars = a(s, f);
        long utf8 = b(s, f);
        long escape = c(s, f);
        if (utf8 != 0) { // inside a multi-byte character
            int left = (int) (utf8 >>> 16);
            if (b < ((utf8 >>> 8) & 0xFF) || b > (utf8 & 0xFF)) {
                return false;
            }
            set(s, f, chars, left == 1 ? 0 : (long) (left - 1) << 16 | 0x80 << 8 | 0xBF, 0);
            return true;
        }
        if (escape == 1) {
            switch (b) {
                case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> set(s, f, chars, 0, 0);
                case 'u' -> set(s, f, chars, 0, 2);
                default -> {
                    return false;
                }
            }
            return true;
        }
        if (escape >= 2) { // \\u: hex digits; c = 2 + digits seen, bit 8: the first digit was d (a surrogate range)
            int seen = (int) (escape & 0xFF) - 2;
            boolean d = (escape & 0x100) != 0;
            int v = Character.digit(b, 16);
            if (v < 0 || seen == 1 && d && v >= 8) {
                return false; // surrogate halves (\\uD800-\\uDFFF) alone are not characters
            }
            if (seen == 3) {
                set(s, f, chars, 0, 0);
            } else {
                set(s, f, chars, 0, (seen + 3) | (seen == 0 && v == 0xD ? 0x100 : escape & 0x100));
            }
            return true;
        }
        if (b == '"') {
            if (chars < n.min) {
                return false;
            }
            pop(s);
            return true;
        }
        if (b < 0x20 || chars >= n.max) {
            return false;
        }
        long continuation;
        if (b < 0x80) {
            continuation = 0;
        } else if (b >= 0xC2 && b <= 0xDF) {
            continuation = 1L << 16 | 0x80 << 8 | 0xBF;
        } else if (b == 0xE0) {
            continuation = 2L << 16 | 0xA0 << 8 | 0xBF;
        } else if (b == 0xED) {
            continuation = 2L << 16 | 0x80 << 8 | 0x9F;
        } else if (b >= 0xE1 && b <= 0xEF) {
            continuation = 2L << 16 | 0x80 << 8 | 0xBF;
        } else if (b == 0xF0) {
            continuation = 3L << 16 | 0x90 << 8 | 0xBF;
        } else if (b >= 0xF1 && b <= 0xF3) {
            continuation = 3L << 16 | 0x80 << 8 | 0xBF;
        } else if (b == 0xF4) {
            continuation = 3L << 16 | 0x80 << 8 | 0x8F;
        } else {
            return false;
        }
        set(s, f, chars + 1, continuation, b == '\\' ? 1 : 0);
        return true;
    }

    private boolean stepNumber(Stack s, int f, GrammarNode n, int b) {
        int phase = phaseOf(s, f);
        long mant = a(s, f);
        long packed = b(s, f);
        boolean negative = (packed & 1) != 0;
        int intLen = (int) (packed >>> 1 & 0x7F);
        int fracLen = (int) (packed >>> 8 & 0x7F);
        int digit = b - '0';
        boolean isDigit = digit >= 0 && digit <= 9;
        switch (phase) {
            case START -> {
                if (b == '-') {
                    phase = NUM_SIGN;
                    negative = true;
                } else if (isDigit) {
                    phase = NUM_INT;
                    mant = digit;
                    intLen = 1;
                } else {
                    return false;
                }
            }
            case NUM_SIGN -> {
                if (!isDigit || n.integer && digit == 0) { // "-0" is not an integer an integer schema should get
                    return false;
                }
                phase = NUM_INT;
                mant = digit;
                intLen = 1;
            }
            case NUM_INT -> {
                if (b == '.' && !n.integer) {
                    phase = NUM_DOT;
                } else if (isDigit && mant != 0 && intLen < maxIntDigits(n)) {
                    mant = mant * 10 + digit;
                    intLen++;
                } else {
                    return false;
                }
            }
            case NUM_DOT, NUM_FRAC -> {
                if (!isDigit || fracLen == FRACTION_DIGITS) {
                    return false;
                }
                phase = NUM_FRAC;
                mant = mant * 10 + digit;
                fracLen++;
            }
            default -> {
                return false;
            }
        }
        if (numberCost(n, phase, mant, negative, intLen, fracLen) == INF) {
            return false; // no completion of this prefix lies within minimum..maximum
        }
        setPhase(s, f, phase);
        set(s, f, mant, (negative ? 1 : 0) | (long) intLen << 1 | (long) fracLen << 8, 0);
        return true;
    }

    private boolean stepLiterals(Stack s, int f, GrammarNode n, int b) {
        int lo;
        int hi;
        int pos;
        if (phaseOf(s, f) == START) {
            lo = 0;
            hi = n.literals.length;
            pos = 0;
        } else {
            lo = (int) a(s, f);
            hi = (int) b(s, f);
            pos = (int) c(s, f);
        }
        int newLo = -1;
        int newHi = -1;
        for (int i = lo; i < hi; i++) {
            byte[] lit = n.literals[i];
            if (lit.length > pos && (lit[pos] & 0xFF) == b) {
                if (newLo < 0) {
                    newLo = i;
                }
                newHi = i + 1;
            }
        }
        if (newLo < 0) {
            return false;
        }
        pos++;
        if (newHi - newLo == 1 && n.literals[newLo].length == pos) {
            pop(s);
            return true;
        }
        setPhase(s, f, LIT_MATCH);
        set(s, f, newLo, newHi, pos);
        return true;
    }

    // ---- costs

    /** Bytes that finish frame {@code f} itself, not counting the open child above it. */
    private long frameCost(Stack s, int f) {
        GrammarNode n = nodes[nodeOf(s, f)];
        int phase = phaseOf(s, f);
        if (phase == START) {
            return n.minLength;
        }
        switch (n.kind) {
            case GrammarNode.SEQUENCE -> {
                return switch (phase) {
                    case SEQ_PREFIX -> n.prefix.length - a(s, f) + (long) nodes[n.child].minLength + n.suffix.length;
                    case SEQ_VALUE -> n.suffix.length;
                    default -> n.suffix.length - a(s, f);
                };
            }
            case GrammarNode.OBJECT -> {
                int at = (int) a(s, f);
                return switch (phase) {
                    case OBJ_FIRST -> objectFirstCost(n, at);
                    case OBJ_KEY -> keyCost(n, b(s, f), (int) c(s, f));
                    case OBJ_NEXT -> keyCost(n, n.reachable[at], 0);
                    default -> n.restAfter[at]; // OBJ_VALUE, OBJ_AFTER
                };
            }
            case GrammarNode.MAP -> {
                long value = nodes[n.child].minLength;
                return switch (phase) {
                    case MAP_FIRST, MAP_VALUE, MAP_AFTER -> 1;
                    case MAP_KEY -> 1 + value + 1;
                    case MAP_COLON -> 1 + value + 1;
                    default -> 2 + 1 + value + 1; // MAP_NEXT
                };
            }
            case GrammarNode.ARRAY -> {
                long items = a(s, f);
                long item = nodes[n.child].minLength;
                return switch (phase) {
                    case ARR_FIRST -> n.min == 0 ? 1 : n.min * item + (n.min - 1) + 1;
                    case ARR_NEXT -> item + Math.max(0, n.min - items - 1) * (1 + item) + 1;
                    default -> Math.max(0, n.min - items) * (1 + item) + 1; // ARR_ITEM, ARR_AFTER
                };
            }
            case GrammarNode.STRING -> {
                long utf8 = b(s, f);
                long escape = c(s, f);
                long pending = utf8 >>> 16;
                if (escape == 1) {
                    pending = 1;
                } else if (escape >= 2) {
                    pending = 4 - ((escape & 0xFF) - 2);
                }
                return pending + Math.max(0, n.min - a(s, f)) + 1;
            }
            case GrammarNode.NUMBER -> {
                long packed = b(s, f);
                return numberCost(n, phase, a(s, f), (packed & 1) != 0, (int) (packed >>> 1 & 0x7F), (int) (packed >>> 8 & 0x7F));
            }
            case GrammarNode.LITERALS -> {
                int pos = (int) c(s, f);
                long best = INF;
                for (int i = (int) a(s, f); i < b(s, f); i++) {
                    best = Math.min(best, n.literals[i].length - pos);
                }
                return best;
            }
            default -> {
                return n.minLength;
            }
        }
    }

    private long objectFirstCost(GrammarNode n, int at) {
        if (n.mayClose[at]) {
            return 1;
        }
        return keyCost(n, n.reachable[at], 0);
    }

    /** Finish one of the candidate keys (pos bytes of it matched), its value, and the rest of the object. */
    private long keyCost(GrammarNode n, long mask, int pos) {
        long best = INF;
        for (long m = mask; m != 0; m &= m - 1) {
            int j = Long.numberOfTrailingZeros(m);
            long c = n.keys[j].length - pos + (long) nodes[n.values[j]].minLength + n.restAfter[j + 1];
            best = Math.min(best, c);
        }
        return best;
    }

    static int maxIntDigits(GrammarNode n) {
        return n.integer ? INTEGER_DIGITS : NUMBER_INT_DIGITS;
    }

    /**
     * The fewest digits (and '.') that complete a number prefix to a value within [low, high] (scaled), or INF.
     * Completions extend the integer part by k digits and add f fraction digits; each choice covers a grid of values
     * whose step and range are exact in longs.
     */
    static long numberCost(GrammarNode n, int phase, long mant, boolean negative, int intLen, int fracLen) {
        long scale = n.integer ? 1 : NUMBER_SCALE;
        int fd = n.integer ? 0 : FRACTION_DIGITS;
        switch (phase) {
            case START -> {
                return n.minLength;
            }
            case NUM_SIGN -> {
                long best = INF;
                for (int d = n.integer ? 1 : 0; d <= 9; d++) {
                    best = Math.min(best, 1 + numberCost(n, NUM_INT, d, true, 1, 0));
                }
                return best;
            }
            case NUM_INT -> {
                long best = INF;
                int maxK = mant == 0 ? 0 : maxIntDigits(n) - intLen;
                for (int k = 0; k <= maxK && k < best; k++) {
                    long lowMag = mant * POW10[k] * scale;
                    long span = POW10[k] * scale; // the values with this integer part, any fraction
                    for (int extra = 0; extra <= fd; extra++) {
                        long cost = k + (extra == 0 ? 0 : 1 + extra);
                        if (cost >= best) {
                            break;
                        }
                        long grid = extra == 0 ? scale : POW10[fd - extra];
                        if (hits(lowMag, lowMag + span - grid, grid, negative, n)) {
                            best = cost;
                        }
                    }
                }
                return best;
            }
            default -> { // NUM_DOT, NUM_FRAC
                long base = mant * POW10[fd - fracLen];
                long span = POW10[fd - fracLen];
                for (int extra = phase == NUM_DOT ? 1 : 0; extra <= fd - fracLen; extra++) {
                    long grid = POW10[fd - fracLen - extra];
                    if (hits(base, base + span - grid, grid, negative, n)) {
                        return extra;
                    }
                }
                return INF;
            }
        }
    }

    /** The fewest bytes of any number of {@code n}: a digit, or a sign and a digit, and what completes them. */
    static long numberStartCost(GrammarNode n) {
        long best = 1 + numberCost(n, NUM_SIGN, 0, true, 0, 0);
        for (int d = 0; d <= 9; d++) {
            best = Math.min(best, 1 + numberCost(n, NUM_INT, d, false, 1, 0));
        }
        return Math.min(best, INF);
    }

    /** Whether some multiple of grid in the magnitude range [lowMag, highMag], signed, lies within [low, high]. */
    private static boolean hits(long lowMag, long highMag, long grid, boolean negative, GrammarNode n) {
        long from = negative ? -highMag : lowMag;
        long to = negative ? -lowMag : highMag;
        from = Math.max(from, n.low);
        to = Math.min(to, n.high);
        return from <= to && Math.ceilDiv(from, grid) * grid <= to;
    }
}
