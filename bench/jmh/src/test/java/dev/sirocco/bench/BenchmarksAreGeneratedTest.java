package dev.sirocco.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Guards the JDK 23+ trap: without the processor under annotationProcessorPaths, JMH generates nothing. */
class BenchmarksAreGeneratedTest {

    @Test
    void annotationProcessorListedTheMatmulBenchmark() throws IOException, ClassNotFoundException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/BenchmarkList")) {
            assertThat(in).as("META-INF/BenchmarkList (written by jmh-generator-annprocess)").isNotNull();
            String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(list).contains("dev.sirocco.bench.MatmulBenchmark", "MatmulBenchmark_matmul_jmhTest");
        }
        assertThat(Class.forName("dev.sirocco.bench.jmh_generated.MatmulBenchmark_matmul_jmhTest", false,
                getClass().getClassLoader())).isNotNull();
    }
}
