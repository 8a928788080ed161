package dev.sirocco.engine.tokenizer;

/** llama.cpp's per-token attribute bits (llama_token_attr), derived from the GGUF token types and fixed up by text. */
final class TokenAttr {
    static final int UNDEFINED = 0;
    static final int UNKNOWN = 1;
    static final int UNUSED = 1 << 1;
    static final int NORMAL = 1 << 2;
    static final int CONTROL = 1 << 3;
    static final int USER_DEFINED = 1 << 4;
    static final int BYTE = 1 << 5;
    static final int LSTRIP = 1 << 7;
    static final int RSTRIP = 1 << 8;

    private TokenAttr() {
    }

    static int fromType(int type) {
        return switch (type) {
            case Vocabulary.TYPE_NORMAL -> NORMAL;
            case Vocabulary.TYPE_UNKNOWN -> UNKNOWN;
            case Vocabulary.TYPE_CONTROL -> CONTROL;
            case Vocabulary.TYPE_USER_DEFINED -> USER_DEFINED;
            case Vocabulary.TYPE_UNUSED -> UNUSED;
            case Vocabulary.TYPE_BYTE -> BYTE;
            default -> UNDEFINED;
        };
    }
}
