package dev.sirocco.chat;

import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.objects.collections.PyList;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.parse.TagToken;
import com.hubspot.jinjava.util.ForLoop;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Jinja2's for-loop, replacing Jinjava's: an {@code {% else %}} branch for empty sequences, a filter clause ({@code {% for k, v in args|items if v is not none %}},
 * counted by {@code loop.index}/{@code loop.last} after filtering, as Jinja2 does), {@code loop.previtem} and
 * {@code loop.nextitem} (Qwen 3.5 groups tool results with them), and unpacking of pairs into names.
 */
final class PythonForTag extends ForTag {

    private static final long serialVersionUID = 1L;

    /** Jinjava's loop object plus the whole sequence, for previtem/nextitem. */
    static final class PythonLoop extends ForLoop {
        private final List<?> items;
        private int position = -1;

        PythonLoop(List<?> items) {
            super(items.iterator(), items.size());
            this.items = items;
        }

        @Override
        public Object next() {
            position++;
            return super.next();
        }

        /** The previous item, or null (undefined) on the first. */
        Object previtem() {
            return position > 0 ? items.get(position - 1) : null;
        }

        /** The next item, or null (undefined) on the last. */
        Object nextitem() {
            return position + 1 < items.size() ? items.get(position + 1) : null;
        }
    }

    /** The parts of {@code for a, b in seq if cond}. */
    record Header(List<String> names, String sequence, String condition) {
    }

    @Override
    public String interpretUnchecked(TagNode tagNode, JinjavaInterpreter interpreter) {
        Header header = parse(((TagToken) tagNode.getMaster()).getHelpers(), tagNode.getLineNumber());
        Object collection = interpreter.resolveELExpression(header.sequence(), tagNode.getLineNumber());
        List<Object> items = materialize(collection);
        if (header.condition() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                try (var scope = interpreter.enterScope()) {
                    bind(interpreter, header.names(), interpreter.wrap(item));
                    Object keep = interpreter.resolveELExpression(header.condition(), tagNode.getLineNumber());
                    if (PythonTruth.isTrue(keep)) kept.add(item);
                }
            }
            items = kept;
        }
        return render(tagNode, interpreter, header.names(), items);
    }

    @Override
    public String renderForCollection(TagNode tagNode, JinjavaInterpreter interpreter, List<String> loopVars,
                                      Object collection) {
        return render(tagNode, interpreter, loopVars, materialize(collection));
    }

    private String render(TagNode tagNode, JinjavaInterpreter interpreter, List<String> names, List<Object> items) {
        // {% for %} body {% else %} what to render when nothing was iterated {% endfor %}
        List<Node> body = new ArrayList<>();
        List<Node> otherwise = new ArrayList<>();
        for (Node child : tagNode.getChildren()) {
            if (!otherwise.isEmpty() || (child instanceof TagNode t && "else".equals(t.getName()))) otherwise.add(child);
            else body.add(child);
        }
        StringBuilder out = new StringBuilder();
        if (items.isEmpty()) {
            for (Node child : otherwise.subList(Math.min(1, otherwise.size()), otherwise.size())) {
                out.append(child.render(interpreter).getValue());
            }
            return out.toString();
        }
        PythonLoop loop = new PythonLoop(items);
        try (var scope = interpreter.enterScope()) {
            interpreter.getContext().put(LOOP, loop);
            while (loop.hasNext()) {
                Object item = interpreter.wrap(loop.next());
                bind(interpreter, names, item);
                for (Node child : body) {
                    out.append(child.render(interpreter).getValue());
                    if (loop.isContinued()) break; // {% continue %}: skip the rest of the body
                }
            }
        }
        return out.toString();
    }

    /** Binds the loop names: one name takes the item, several unpack a pair (dict item) or a sequence. */
    private static void bind(JinjavaInterpreter interpreter, List<String> names, Object item) {
        if (names.size() == 1) {
            interpreter.getContext().put(names.get(0), item);
            return;
        }
        List<?> parts;
        if (item instanceof Map.Entry<?, ?> e) parts = Arrays.asList(e.getKey(), e.getValue());
        else if (item instanceof PyList l) parts = l.toList();
        else if (item instanceof List<?> l) parts = l;
        else throw new IllegalArgumentException("cannot unpack " + item + " into " + names);
        if (parts.size() != names.size()) {
            throw new IllegalArgumentException("cannot unpack " + parts.size() + " values into " + names);
        }
        for (int i = 0; i < names.size(); i++) interpreter.getContext().put(names.get(i), parts.get(i));
    }

    /** What Python iterates: a list's items, a dict's keys, a string's characters; None and undefined as empty. */
    static List<Object> materialize(Object collection) {
        List<Object> items = new ArrayList<>();
        if (collection == null) return items;
        if (collection instanceof Map<?, ?> map) {
            items.addAll(map.keySet());
        } else if (collection instanceof Iterable<?> it) {
            for (Object o : it) items.add(o);
        } else if (collection instanceof Object[] array) {
            items.addAll(Arrays.asList(array));
        } else if (collection instanceof CharSequence s) {
            s.codePoints().forEach(cp -> items.add(new String(Character.toChars(cp))));
        } else if (collection instanceof java.util.Iterator<?> it) {
            it.forEachRemaining(items::add);
        } else {
            throw new IllegalArgumentException("'" + collection.getClass().getSimpleName() + "' object is not iterable");
        }
        return items;
    }

    /** Splits {@code a, b in seq if cond} at the top-level " in " and " if " (outside strings and brackets). */
    static Header parse(String helpers, int line) {
        int in = topLevelKeyword(helpers, "in", 0);
        if (in < 0) throw new InterpretException("for tag expects 'in': " + helpers.strip(), line);
        List<String> names = new ArrayList<>();
        for (String name : helpers.substring(0, in).replace("(", " ").replace(")", " ").split(",")) {
            if (!name.isBlank()) names.add(name.strip());
        }
        String rest = helpers.substring(in + 2);
        String condition = null;
        int cond = topLevelKeyword(rest, "if", 0);
        if (cond >= 0) {
            condition = rest.substring(cond + 2).strip();
            rest = rest.substring(0, cond);
        }
        String sequence = rest.strip();
        if (sequence.endsWith(" recursive")) sequence = sequence.substring(0, sequence.length() - 10).strip();
        if (condition != null && condition.endsWith(" recursive")) {
            condition = condition.substring(0, condition.length() - 10).strip();
        }
        return new Header(names, sequence, condition);
    }

    private static int topLevelKeyword(String s, String keyword, int from) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (depth == 0 && s.startsWith(keyword, i)
                    && (i == 0 || !isNameChar(s.charAt(i - 1)))
                    && (i + keyword.length() == s.length() || !isNameChar(s.charAt(i + keyword.length())))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.';
    }
}
