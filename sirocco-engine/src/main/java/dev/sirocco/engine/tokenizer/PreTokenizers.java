package dev.sirocco.engine.tokenizer;

import java.util.List;

/** The pre-tokenizer chains llama.cpp's llm_tokenizer_bpe picks per {@code tokenizer.ggml.pre} family. */
final class PreTokenizers {
    private PreTokenizers() {
    }

    static final PreTokenizer DEFAULT = new PreTokenizer(List.of(
            PreTokenizer.regex("[\\p{P}\\$\\+<=>\\^~\\|]+"),
            PreTokenizer.GPT2,
            PreTokenizer.regex("\\p{N}+"),
            PreTokenizer.regex("[0-9][0-9][0-9]")));

    static final PreTokenizer GPT2 = new PreTokenizer(List.of(PreTokenizer.GPT2));

    static final PreTokenizer LLAMA3 = new PreTokenizer(List.of(PreTokenizer.LLAMA3));

    static final PreTokenizer QWEN2 = new PreTokenizer(List.of(PreTokenizer.QWEN2));

    static final PreTokenizer QWEN35 = new PreTokenizer(List.of(PreTokenizer.QWEN35));

    static final PreTokenizer STARCODER = new PreTokenizer(List.of(PreTokenizer.regex("\\p{N}"), PreTokenizer.GPT2));

    static final PreTokenizer FALCON = new PreTokenizer(List.of(
            PreTokenizer.regex("[\\p{P}\\$\\+<=>\\^~\\|`]+"),
            PreTokenizer.GPT2,
            PreTokenizer.regex("[0-9][0-9][0-9]")));

    static final PreTokenizer TEKKEN = new PreTokenizer(List.of(PreTokenizer.regex(
            "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+"
                    + "|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*"
                    + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")));

    private static final String CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])?";

    static final PreTokenizer GPT4O = new PreTokenizer(List.of(PreTokenizer.regex(
            "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))*((?=[\\p{L}])([^A-Z]))+" + CONTRACTIONS
                    + "|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}])([^a-z]))+((?=[\\p{L}])([^A-Z]))*" + CONTRACTIONS
                    + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")));

    static final PreTokenizer NEWLINES = new PreTokenizer(List.of(PreTokenizer.NEWLINES));

    static final PreTokenizer QWEN2_AFTER_NEWLINES = new PreTokenizer(List.of(PreTokenizer.NEWLINES, PreTokenizer.QWEN2));

    private static final String CJK_KANA = "[\u4E00-\u9FA5\u3040-\u309F\u30A0-\u30FF]+";
    private static final String CJK_HANGUL = "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+";

    static final PreTokenizer DEEPSEEK_LLM = new PreTokenizer(List.of(
            PreTokenizer.regex("[\r\n]"),
            PreTokenizer.regex("\\s?[A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF\u01C4-\u0293\u0295-\u02AF\u0370-\u0373\u0376\u0377\u037B-\u037D\u037F\u0386\u0388-\u038A\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F\u0531-\u0556\u10A0-\u10C5\u13A0-\u13F5\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B\u1D6B-\u1D77\u1D79-\u1D9A\u1E00-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128\u212A-\u212D\u212F-\u2134\u2139\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184\u2C00-\u2C7B\u2C7E-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D\uA680-\uA69B\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17\uFF21-\uFF3A\uFF41-\uFF5A\uD801\uDC00-\uD801\uDC4F\uD801\uDCB0-\uD801\uDCD3\uD801\uDCD8-\uD801\uDCFB\uD803\uDC80-\uD803\uDCB2\uD803\uDCC0-\uD803\uDCF2\uD806\uDCA0-\uD806\uDCDF\uD83A\uDD00-\uD83A\uDD43]+"),
            PreTokenizer.regex("\\s?[!-/:-~\uFF01-\uFF0F\uFF1A-\uFF5E\u2018-\u201F\u3000-\u3002]+"),
            PreTokenizer.regex("\\s+\\z"), // "\\s+$" there: the end of the piece, which Java spells \z
            PreTokenizer.regex(CJK_HANGUL),
            PreTokenizer.regex("\\p{N}+")));

    static final PreTokenizer DEEPSEEK_CODER = new PreTokenizer(List.of(
            PreTokenizer.regex("[\r\n]"),
            PreTokenizer.regex("\\s?\\p{L}+"),
            PreTokenizer.regex("\\s?\\p{P}+"),
            PreTokenizer.regex(CJK_HANGUL),
            PreTokenizer.regex("\\p{N}")));

    private static final String DEEPSEEK3_WORDS = "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+"
            + "|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+";

    static final PreTokenizer DEEPSEEK3 = new PreTokenizer(List.of(
            PreTokenizer.regex("\\p{N}{1,3}"),
            PreTokenizer.regex(CJK_KANA),
            PreTokenizer.regex(DEEPSEEK3_WORDS + "| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+")));

    static final PreTokenizer SPARK2_5 = new PreTokenizer(List.of(
            PreTokenizer.regex("\\p{N}{1,3}"),
            PreTokenizer.regex(CJK_KANA),
            PreTokenizer.regex(DEEPSEEK3_WORDS + "| ?[\\p{P}\\p{S}]+|[\r\n]|\\s+(?!\\S)|\\s+"),
            PreTokenizer.regex("\\p{N}")));

    static final PreTokenizer YOUTU = new PreTokenizer(List.of(
            PreTokenizer.regex("[\uAC00-\uD7A3\u3131-\u318E]+|[\uFF01\u2026\u201C\u201D\u2018\u2019\u2014\uFF1A\uFF1B\uFF0C\u3001-\u303F\uFE30-\uFE4F]+|[\u3105-\u312F]+|" + CJK_KANA),
            PreTokenizer.regex("[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+" + CONTRACTIONS
                    + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*" + CONTRACTIONS
                    + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")));

    static final PreTokenizer BLOOM = new PreTokenizer(List.of(PreTokenizer.regex(" ?[^(\\s|.,!?\u2026\u3002\uFF0C\u3001\u0964\u06D4\u060C)]+")));

    static final PreTokenizer VIKING = new PreTokenizer(List.of(
            PreTokenizer.regex(" ?[^(\\s|.,!?\u2026\u3002\uFF0C\u3001\u0964\u06D4\u060C)]+"),
            PreTokenizer.regex("\\p{N}")));

    static final PreTokenizer CHAMELEON = new PreTokenizer(List.of(
            PreTokenizer.regex("<sentinel:[0-9]+>"),
            PreTokenizer.regex("(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z"),
            PreTokenizer.regex("([\\t\\n]|    |  )"),
            PreTokenizer.regex("\\p{N}"),
            PreTokenizer.regex("[\\p{P}!-/:-@\\[-`{-~]"),
            PreTokenizer.GPT2));

    static final PreTokenizer GRANITE_EMB_MULTI = new PreTokenizer(List.of(PreTokenizer.regex(
            "[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))*((?=[\\p{L}\\p{M}])([^A-Z]))+" + CONTRACTIONS
                    + "|[^\\r\\n\\p{L}\\p{N}]?((?=[\\p{L}\\p{M}])([^a-z]))+((?=[\\p{L}\\p{M}])([^A-Z]))*" + CONTRACTIONS
                    + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")));

    static final PreTokenizer BAILINGMOE = new PreTokenizer(List.of(PreTokenizer.regex(
            "'(?:[sSdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+")));

    private static final String CONTRACTION = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";

    static final PreTokenizer SEED_CODER = new PreTokenizer(List.of(PreTokenizer.regex(
            CONTRACTION + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1}| ?[^\\s\\p{L}\\p{N}\\r\\n]+|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")));

    static final PreTokenizer UFAKZEKA = new PreTokenizer(List.of(PreTokenizer.regex(
            "[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")));

    static final PreTokenizer EXAONE_MOE = new PreTokenizer(List.of(PreTokenizer.regex(
            CONTRACTION + "|[^\\r\\n\\p{L}\\p{N}]?(?:\\p{L}\\p{M}*(?: \\p{L}\\p{M}*)*)+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]?"
                    + "|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+")));

    static final PreTokenizer MINICPM5 = new PreTokenizer(List.of(
            PreTokenizer.regex("\\p{N}{1,3}"),
            PreTokenizer.regex(CONTRACTION + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}+| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+"
                    + "|\\s+(?!\\S)|\\s+")));

    static final PreTokenizer JAIS2 = new PreTokenizer(List.of(PreTokenizer.regex(
            CONTRACTION + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+"
                    + "|\\s{512}(?!\\S)|\\s{256}(?!\\S)|\\s{128}(?!\\S)|\\s{64}(?!\\S)|\\s{32}(?!\\S)|\\s{16}(?!\\S)"
                    + "|\\s{8}(?!\\S)|\\s{4}(?!\\S)|\\s{1,2}(?!\\S)|\\s{1}")));
}
