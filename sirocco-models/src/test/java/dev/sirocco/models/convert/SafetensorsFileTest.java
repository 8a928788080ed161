package dev.sirocco.models.convert;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsFileTest {
    @TempDir
    Path tmp;

    @Test
    void writtenTensorsReadBackInEveryDtype() throws Exception {
        Random rnd = new Random(7);
        float[] v = new float[6 * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        Path p = tmp.resolve("m.safetensors");
        new SafetensorsWriter().metadata("format", "pt")
                .add("a", SafetensorsDtype.F32, new long[] {6, 5}, v)
                .add("b", SafetensorsDtype.F16, new long[] {30}, v)
                .add("c", SafetensorsDtype.BF16, new long[] {5, 6}, v)
                .write(p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertThat(f.tensors().keySet()).containsExactly("a", "b", "c");
            assertThat(f.metadata()).containsEntry("format", "pt");
            assertThat(f.tensors().get("c").shape()).containsExactly(5, 6);
            float[] out = new float[30];
            f.tensors().get("a").dtype().read(f.tensors().get("a").data(), 0, out, 0, 30);
            assertThat(out).containsExactly(v);
            f.tensors().get("b").dtype().read(f.tensors().get("b").data(), 0, out, 0, 30);
            for (int i = 0; i < 30; i++) {
                assertThat(out[i]).isCloseTo(v[i], org.assertj.core.data.Offset.offset(Math.abs(v[i]) * 1e-3f + 1e-4f));
            }
            f.tensors().get("c").dtype().read(f.tensors().get("c").data(), 7, out, 0, 3);
            for (int i = 0; i < 3; i++) {
                assertThat(out[i]).isCloseTo(v[7 + i], org.assertj.core.data.Offset.offset(Math.abs(v[7 + i]) * 8e-3f));
            }
        }
    }

    /** A file with the given header and {@code dataBytes} zero bytes of data. */
    private Path file(String header, int dataBytes) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path p = tmp.resolve("bad" + System.nanoTime() + ".safetensors");
        Files.write(p, b.array());
        return p;
    }

    @Test
    void headerLengthBeyondTheFileIsRejected() throws Exception {
        Path p = tmp.resolve("t.safetensors");
        Files.write(p, ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertThatThrownBy(() -> SafetensorsFile.open(p)).isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining("header length 1000 at offset 0 does not fit (file of 12 bytes");
        Files.write(p, new byte[5]);
        assertThatThrownBy(() -> SafetensorsFile.open(p)).hasMessageContaining("shorter than the 8-byte header length");
    }

    @Test
    void malformedHeadersAreRejectedWithTheTensorName() throws Exception {
        assertThatThrownBy(() -> SafetensorsFile.open(file("{\"a\": {", 0)))
                .hasMessageContaining("the header is not valid JSON");
        assertThatThrownBy(() -> SafetensorsFile.open(file("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8)))
                .hasMessageContaining("tensor 'a' has dtype 'I64'; only F32, F16 and BF16 are converted");
        assertThatThrownBy(() -> SafetensorsFile.open(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8)))
                .hasMessageContaining("tensor 'a' has data_offsets [0,16] outside the 8 bytes of data");
        assertThatThrownBy(() -> SafetensorsFile.open(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8)))
                .hasMessageContaining("tensor 'a' F32[3] needs 12 bytes but data_offsets [0,8] give 8");
        assertThatThrownBy(() -> SafetensorsFile.open(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", 8)))
                .hasMessageContaining("invalid dimension");
        assertThatThrownBy(() -> SafetensorsFile.open(file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[4,12]}}", 12)))
                .hasMessageContaining("tensors 'a' and 'b' overlap (bytes 4 to 8)");
        assertThatThrownBy(() -> SafetensorsFile.open(file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8)))
                .hasMessageContaining("too large");
    }
}
