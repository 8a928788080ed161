package dev.sirocco.chat;

import java.util.Collection;
import java.util.Map;

/** Python truthiness: None, False, 0, 0.0, "" and empty containers are false, everything else true. */
final class PythonTruth {

    private PythonTruth() {
    }

    static boolean isTrue(Object v) {
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof Number n) return n.doubleValue() != 0;
        if (v instanceof CharSequence s) return !s.isEmpty();
        if (v instanceof Collection<?> c) return !c.isEmpty();
        if (v instanceof Map<?, ?> m) return !m.isEmpty();
        if (v instanceof Object[] a) return a.length > 0;
        return true;
    }
}
