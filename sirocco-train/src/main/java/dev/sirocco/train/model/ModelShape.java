package dev.sirocco.train.model;

/**
 * The hyperparameters of a new llama-architecture model to pretrain (the vocabulary comes from a tokenizer source).
 *
 * @param contextLength the longest sequence it is trained and served for
 * @param tiedEmbeddings the output projection reuses the token embedding (fewer parameters, as Llama 3.2 1B)
 */
public record ModelShape(int dim, int layers, int heads, int kvHeads, int ffn, int contextLength, boolean tiedEmbeddings) {

    public ModelShape {
        if (dim < 1 || layers < 1 || heads < 1 || kvHeads < 1 || ffn < 1 || contextLength < 2) {
            throw new IllegalArgumentException("model shape: every size must be positive (dim " + dim + ", layers " + layers
                    + ", heads " + heads + ", kv heads " + kvHeads + ", ffn " + ffn + ", context " + contextLength + ")");
        }
        if (dim % heads != 0 || heads % kvHeads != 0 || (dim / heads) % 2 != 0) {
            throw new IllegalArgumentException("model shape: --dim " + dim + " must split into --heads " + heads
                    + " heads of an even size, and --heads must be a multiple of --kv-heads " + kvHeads);
        }
    }

    public int headDim() {
        return dim / heads;
    }
}
