package dev.sirocco.chat;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.AdditionOperator;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.NamedParameterOperator;
import java.util.ArrayList;
import java.util.List;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstBracket;
import jinjava.de.odysseus.el.tree.impl.ast.AstDot;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;

/**
 * Jinjava's expression parser with two precedence rules fixed to match Jinja2's grammar, which chat templates rely on.
 *
 * <ul>
 *   <li>{@code not} applies to a whole comparison, test or filter chain: Jinja2 reads {@code not tools is defined} as
 *       {@code not (tools is defined)} and {@code not x|length == 1} as {@code not ((x|length) == 1)}. Jinjava binds
 *       {@code not} to the next value in its legacy mode (breaking the second) and, with "natural operator
 *       precedence", applies tests after {@code not} (breaking the first: {@code (not tools) is defined}).</li>
 *   <li>A keyword argument takes a whole expression: Jinja2 reads {@code namespace(i=messages|length - 1)} as
 *       {@code i=(messages|length - 1)}; Jinjava parses {@code =} as an additive operator, giving
 *       {@code (i=messages|length) - 1}.</li>
 * </ul>
 * Used with natural operator precedence on, so filters and tests bind tighter than arithmetic, as in Jinja2.
 */
final class Jinja2Parser extends ExtendedParser {

    Jinja2Parser(Builder context, String input) {
        super(context, input);
    }

    /** Builds {@link Jinja2Parser}s; Jinjava instantiates tree builders itself, hence the public no-arg constructor. */
    static final class SyntaxBuilder extends ExtendedSyntaxBuilder {
        private static final long serialVersionUID = 1L;

        public SyntaxBuilder() {
            // What Jinjava's own factory gets from the JEE6 profile: obj.method(...) calls and varargs functions.
            super(Builder.Feature.METHOD_INVOCATIONS, Builder.Feature.VARARGS);
        }

        @Override
        protected Parser createParser(String expression) {
            return new Jinja2Parser(this, expression);
        }
    }

    /**
     * A value and its postfix operations ({@code .name}, {@code .name(...)}, {@code [index]}, {@code [a:b]}), as
     * Jinjava parses them in natural-precedence mode, plus the Python step slice {@code [a:b:c]}.
     */
    @Override
    protected AstNode value() throws Scanner.ScanException, ParseException {
        boolean lvalue = true;
        AstNode v = nonliteral();
        if (v == null) {
            v = literal();
            if (v == null) return null;
            lvalue = false;
        }
        while (true) {
            switch (getToken().getSymbol()) {
                case DOT -> {
                    consumeToken();
                    String name = consumeToken(Scanner.Symbol.IDENTIFIER).getImage();
                    AstDot dot = createAstDot(v, name, lvalue);
                    v = getToken().getSymbol() == Scanner.Symbol.LPAREN && context.isEnabled(Builder.Feature.METHOD_INVOCATIONS)
                            ? createAstMethod(dot, params()) : dot;
                }
                case LBRACK -> {
                    consumeToken();
                    AstNode property = expr(false);
                    boolean strict = !context.isEnabled(Builder.Feature.NULL_PROPERTIES);
                    Scanner.Token next = consumeToken();
                    if (next.getSymbol() == Scanner.Symbol.COLON) {
                        AstNode stop = expr(false);
                        if (getToken().getSymbol() == Scanner.Symbol.COLON) {
                            consumeToken();
                            AstNode step = expr(false);
                            consumeToken(Scanner.Symbol.RBRACK);
                            v = new AstSlice(v, property, stop, step);
                        } else {
                            consumeToken(Scanner.Symbol.RBRACK);
                            v = createAstRangeBracket(v, property, stop, lvalue, strict);
                        }
                    } else if (next.getSymbol() == Scanner.Symbol.RBRACK) {
                        AstBracket bracket = createAstBracket(v, property, lvalue, strict);
                        v = getToken().getSymbol() == Scanner.Symbol.LPAREN && context.isEnabled(Builder.Feature.METHOD_INVOCATIONS)
                                ? createAstMethod(bracket, params()) : bracket;
                    } else {
                        fail(Scanner.Symbol.RBRACK);
                    }
                }
                default -> {
                    return v;
                }
            }
        }
    }

    /**
     * Sums and differences. Jinjava scans a "+" written against its right operand ({@code n+1}) as its unary
     * absolute-value operator and then fails on {@code x[:n+1]} (Kimi K2 Thinking); after a left operand it is
     * an addition, as in Jinja2.
     */
    @Override
    protected AstNode add(boolean required) throws Scanner.ScanException, ParseException {
        AstNode v = mul(required);
        if (v == null) return null;
        while (true) {
            Scanner.Token token = getToken();
            if (token.getSymbol() == Scanner.Symbol.PLUS
                    || (token.getSymbol() == Scanner.Symbol.EXTENSION && "+".equals(token.getImage()))) {
                consumeToken();
                v = createAstBinary(v, mul(true), AdditionOperator.OP);
            } else if (token.getSymbol() == Scanner.Symbol.MINUS) {
                consumeToken();
                v = createAstBinary(v, mul(true), AstBinary.SUB);
            } else if (token.getSymbol() == Scanner.Symbol.EXTENSION && "~".equals(token.getImage())) {
                consumeToken();
                v = createAstBinary(v, mul(true), PythonConcat.OP);
            } else if (token.getSymbol() == Scanner.Symbol.EXTENSION
                    && getExtensionHandler(token).getExtensionPoint() == ExtensionPoint.ADD) {
                v = getExtensionHandler(consumeToken()).createAstNode(v, mul(true));
            } else {
                return v;
            }
        }
    }

    /** Jinja2's {@code ~}: both sides through Python's str() ({@code 'a' ~ true} is "aTrue"); null as "". */
    static final class PythonConcat extends AstBinary.SimpleOperator {
        static final PythonConcat OP = new PythonConcat();

        @Override
        protected Object apply(jinjava.de.odysseus.el.misc.TypeConverter converter, Object a, Object b) {
            return (a == null ? "" : PythonRepr.str(a)) + (b == null ? "" : PythonRepr.str(b));
        }

        @Override
        public String toString() {
            return "~";
        }
    }

    /**
     * Jinja2 raises "No filter named ..." (or test) when it evaluates one it does not know; Jinjava would print
     * nothing, a silently wrong prompt. Jinjava parses an expression when it first evaluates it, so checking here
     * fails exactly where Jinja2 3 fails: on use, not in branches never taken.
     */
    @Override
    protected AstDot createAstDot(AstNode base, String property, boolean lvalue) {
        if (base instanceof jinjava.de.odysseus.el.tree.impl.ast.AstIdentifier id) {
            String name = id.getName();
            com.hubspot.jinjava.interpret.JinjavaInterpreter interpreter =
                    com.hubspot.jinjava.interpret.JinjavaInterpreter.getCurrent();
            if (interpreter != null && name.startsWith(FILTER_PREFIX)
                    && interpreter.getContext().getFilter(name.substring(FILTER_PREFIX.length())) == null) {
                throw new jinjava.javax.el.ELException("No filter named '" + name.substring(FILTER_PREFIX.length()) + "'");
            }
            if (interpreter != null && name.startsWith(EXPTEST_PREFIX)
                    && interpreter.getContext().getExpTest(name.substring(EXPTEST_PREFIX.length())) == null) {
                throw new jinjava.javax.el.ELException("No test named '" + name.substring(EXPTEST_PREFIX.length()) + "'");
            }
        }
        return super.createAstDot(base, property, lvalue);
    }

    @Override
    protected AstNode unary(boolean required) throws Scanner.ScanException, ParseException {
        if (getToken().getSymbol() == Scanner.Symbol.NOT) {
            consumeToken();
            // eq() descends through comparisons, arithmetic, filters and tests: all bind tighter than "not".
            return createAstUnary(eq(true), AstUnary.NOT);
        }
        return super.unary(required);
    }

    @Override
    protected AstParameters params(Scanner.Symbol left, Scanner.Symbol right) throws Scanner.ScanException, ParseException {
        consumeToken(left);
        List<AstNode> parameters = new ArrayList<>();
        AstNode first = parameter(false);
        if (first != null) {
            parameters.add(first);
            while (getToken().getSymbol() == Scanner.Symbol.COMMA) {
                consumeToken();
                parameters.add(parameter(true));
            }
        }
        consumeToken(right);
        return createAstParameters(parameters);
    }

    /** One argument: {@code name=expression} (a keyword argument) or an expression. */
    private AstNode parameter(boolean required) throws Scanner.ScanException, ParseException {
        if (getToken().getSymbol() == Scanner.Symbol.IDENTIFIER && "=".equals(lookahead(0).getImage())) {
            String name = consumeToken().getImage();
            consumeToken(); // =
            return NamedParameterOperator.HANDLER.createAstNode(identifier(name), expr(true));
        }
        return expr(required);
    }
}
