package dev.sirocco.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

/**
 * A Jinjava interpreter that prints {@code {{ value }}} as Jinja2 does, with Python's {@code str()}
 * ({@link PythonRepr}). Null prints as "", as an undefined variable does in Jinja2: Jinjava cannot tell an undefined
 * variable from None, and printing undefined values is the commoner case in chat templates.
 */
final class PythonInterpreter extends JinjavaInterpreter {

    PythonInterpreter(Jinjava application, Context context, JinjavaConfig config) {
        super(application, context, config);
    }

    PythonInterpreter(JinjavaInterpreter parent) {
        super(parent);
    }

    @Override
    public String getAsString(Object object) {
        return object == null ? "" : PythonRepr.str(object);
    }

    /** Makes Jinjava create {@link PythonInterpreter}s, for the template and for every nested scope. */
    static final class Factory implements InterpreterFactory {
        @Override
        public JinjavaInterpreter newInstance(JinjavaInterpreter orig) {
            return new PythonInterpreter(orig);
        }

        @Override
        public JinjavaInterpreter newInstance(Jinjava application, Context context, JinjavaConfig renderConfig) {
            return new PythonInterpreter(application, context, renderConfig);
        }
    }
}
