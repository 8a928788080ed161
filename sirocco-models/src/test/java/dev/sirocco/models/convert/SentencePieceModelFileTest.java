package dev.sirocco.models.convert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sirocco.models.ModelRequestException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** tokenizer.model's pieces read back as written (with a field after them to skip); a cut file is refused with the offset. */
class SentencePieceModelFileTest {
    private static byte[] model() {
        ArrayNode tokens = new ObjectMapper().createArrayNode();
        for (String t : List.of("<unk>", "<s>", "</s>", "<0x0A>", "\u2581the", "h\u00e9")) {
            tokens.add(t);
        }
        return CheckpointFixture.sentencePieceModel(tokens);
    }

    @Test
    void piecesReadBackWithScoresAndTypes() {
        List<SentencePieceModelFile.Piece> pieces = SentencePieceModelFile.parse(model(), "tokenizer.model");
        assertThat(pieces).containsExactly(
                new SentencePieceModelFile.Piece("<unk>", 0f, SentencePieceModelFile.UNKNOWN),
                new SentencePieceModelFile.Piece("<s>", 0f, SentencePieceModelFile.CONTROL),
                new SentencePieceModelFile.Piece("</s>", 0f, SentencePieceModelFile.CONTROL),
                new SentencePieceModelFile.Piece("<0x0A>", 0f, SentencePieceModelFile.BYTE),
                new SentencePieceModelFile.Piece("\u2581the", 255f, SentencePieceModelFile.NORMAL),
                new SentencePieceModelFile.Piece("h\u00e9", 254f, SentencePieceModelFile.NORMAL));
    }

    @Test
    void truncatedOrEmptyModelsAreRefused() {
        byte[] m = model();
        assertThatThrownBy(() -> SentencePieceModelFile.parse(Arrays.copyOf(m, 20), "tokenizer.model"))
                .isInstanceOf(ModelRequestException.class)
                .hasMessageStartingWith("tokenizer.model is not a SentencePiece model (at byte ");
        assertThatThrownBy(() -> SentencePieceModelFile.parse(new byte[0], "tokenizer.model"))
                .isInstanceOf(ModelRequestException.class).hasMessage("tokenizer.model holds no SentencePiece pieces");
    }
}
