package dev.sirocco.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The {@link Tokenizer}: special-token partition, then the SPM or BPE encoder per text fragment, then BOS/EOS. */
final class LlamaCppTokenizer implements Tokenizer {
    private final TokenTable table;
    private final SpecialTokens special;
    private final SpecialTokenSplitter splitter;
    private final SpmEncoder spm;
    private final BpeEncoder bpe;
    private final WpmEncoder wpm;
    private final UgmEncoder ugm;
    private final Detokenizer detokenizer;

    LlamaCppTokenizer(Vocabulary vocabulary) {
        this.table = new TokenTable(vocabulary);
        this.special = table.specialTokens();
        this.splitter = new SpecialTokenSplitter(table);
        this.spm = table.kind == TokenTable.Kind.SPM ? new SpmEncoder(table) : null;
        this.bpe = table.kind == TokenTable.Kind.BPE ? new BpeEncoder(table) : null;
        this.wpm = table.kind == TokenTable.Kind.WPM ? new WpmEncoder(table) : null;
        this.ugm = table.kind == TokenTable.Kind.UGM ? new UgmEncoder(table, vocabulary.precompiledCharsmap()) : null;
        this.detokenizer = new Detokenizer(table);
    }

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        List<SpecialTokenSplitter.Fragment> fragments = splitter.split(text, parseSpecial);
        List<Integer> out = new ArrayList<>();
        // WordPiece adds BOS (CLS) and SEP whenever special tokens are asked for, whatever the flags say
        boolean wordPiece = table.kind == TokenTable.Kind.WPM;
        if (addSpecial && (table.addBos || wordPiece)) {
            if (table.bos < 0) {
                throw new IllegalStateException("the vocabulary asks for a BOS token but has none");
            }
            out.add(table.bos);
        }
        // SPM: a space prefix goes before the first text and before text that follows a special token
        boolean prevSpecial = true;
        for (SpecialTokenSplitter.Fragment f : fragments) {
            if (!f.isText()) {
                out.add(f.token());
                prevSpecial = true;
                continue;
            }
            if (table.kind == TokenTable.Kind.SPM) {
                String t = (table.addSpacePrefix && prevSpecial ? " " : "") + f.text();
                spm.encode(t.replace(' ', '\u2581'), out);
            } else if (wordPiece) {
                wpm.encode(f.text(), out);
            } else if (ugm != null) {
                ugm.encode(f.text(), out);
            } else {
                bpe.encode(table.escapeWhitespaces ? f.text().replace(' ', '\u2581') : f.text(), out);
            }
            prevSpecial = false;
        }
        if (addSpecial && wordPiece) {
            if (table.sep < 0) {
                throw new IllegalStateException("the vocabulary has no SEP token to end the sequence with");
            }
            out.add(table.sep);
        } else if (addSpecial && table.addEos) {
            if (table.eos < 0) {
                throw new IllegalStateException("the vocabulary asks for an EOS token but has none");
            }
            out.add(table.eos);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public byte[] tokenBytes(int id, boolean special) {
        return detokenizer.piece(id, special);
    }

    @Override
    public String decode(int[] ids, boolean removeSpecial, boolean unparseSpecial) {
        return new String(detokenizer.detokenize(ids, removeSpecial, unparseSpecial), StandardCharsets.UTF_8);
    }

    @Override
    public Vocabulary vocabulary() {
        return table.vocabulary;
    }

    @Override
    public SpecialTokens specialTokens() {
        return special;
    }

    @Override
    public boolean isEndOfGeneration(int id) {
        return table.eog.contains(id);
    }
}
