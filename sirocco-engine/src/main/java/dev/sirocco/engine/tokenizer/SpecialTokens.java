package dev.sirocco.engine.tokenizer;

import java.util.Set;

/**
 * The special token ids and flags after llama.cpp's defaults and fix-ups (-1: none), and the end-of-generation set
 * it collects from ids and well-known token texts.
 */
public record SpecialTokens(int bos, int eos, int eot, int eom, int unk, int sep, int pad, int mask,
                            int fimPre, int fimSuf, int fimMid, int fimPad, int fimRep, int fimSep,
                            boolean addBos, boolean addEos, boolean addSep, boolean addSpacePrefix,
                            Set<Integer> endOfGeneration) {
}
