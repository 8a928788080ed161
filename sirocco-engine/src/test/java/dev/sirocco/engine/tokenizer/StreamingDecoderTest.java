package dev.sirocco.engine.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class StreamingDecoderTest {

    private static final String TEXT = "héllo wörld – 我想 😀🦙 Ж\n";

    @ParameterizedTest
    @ValueSource(ints = {7, 8, 9})
    void neverEmitsHalfACharacterWhenCharactersSpanByteTokens(int seed) {
        // an SPM vocabulary with no multi-byte pieces: every non-ASCII character is spelled by byte tokens
        Tokenizer t = Tokenizer.create(SpmTokenizerTest.spm(new String[] {"▁", "h", "l", "o", "w", "r", "d", "\n"},
                new float[8]).addSpacePrefix(false).build());
        Random random = new Random(seed);
        String text = TEXT.repeat(1 + random.nextInt(3));
        int[] ids = t.encode(text, false, false);
        StreamingDecoder decoder = new StreamingDecoder(t);
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            String piece = decoder.accept(id);
            assertThat(piece).doesNotContain("\uFFFD");
            assertThat(piece.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF)).as("no lone surrogate").isTrue();
            streamed.append(piece);
        }
        streamed.append(decoder.flush());
        assertThat(streamed.toString()).isEqualTo(text).isEqualTo(t.decode(ids));
    }

    @Test
    void anUnfinishedCharacterIsHeldUntilFlush() {
        Tokenizer t = Tokenizer.create(SpmTokenizerTest.spm(new String[] {"a"}, new float[1]).addSpacePrefix(false).build());
        StreamingDecoder decoder = new StreamingDecoder(t);
        assertThat(decoder.accept(3 + 0xE6)).isEmpty(); // first byte of 我 (E6 88 91)
        assertThat(decoder.accept(3 + 0x88)).isEmpty();
        assertThat(decoder.accept(3 + 0x91)).isEqualTo("我");
        assertThat(decoder.accept(3 + 0xF0)).isEmpty();
        assertThat(decoder.flush()).isEqualTo("\uFFFD");
        // a stray continuation byte is not held forever
        assertThat(decoder.accept(3 + 0x80)).isEqualTo("\uFFFD");
    }
}
