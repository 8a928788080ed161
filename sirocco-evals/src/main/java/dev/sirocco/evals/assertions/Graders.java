package dev.sirocco.evals.assertions;

import dev.sirocco.evals.providers.Embedder;
import dev.sirocco.evals.providers.Provider;
import dev.sirocco.evals.suite.ProviderSpec;

/** Where model-graded assertions get their judge ({@code llm-rubric}) or embedder ({@code similar}). */
public interface Graders {
    Provider chat(ProviderSpec spec);

    Embedder embedder(ProviderSpec spec);

    /** For evaluations without model-graded assertions. */
    Graders NONE = new Graders() {
        @Override
        public Provider chat(ProviderSpec spec) {
            throw new IllegalStateException("no graders configured");
        }

        @Override
        public Embedder embedder(ProviderSpec spec) {
            throw new IllegalStateException("no graders configured");
        }
    };
}
