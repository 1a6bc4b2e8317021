/*
 * CliTest.java — the `gla` subcommands end to end through Main.run: exit statuses and what they print.
 */
package io.github.gla4j.cli;

import io.github.gla4j.kernels.Kernels;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CliTest {

    record Run(int status, String out, String err) {
    }

    static Run gla(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void infoListsVersionsBackendsAndCpuFeatures() {
        Run r = gla("info");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("libgla4j   0.1.0"), r.out());
        assertTrue(r.out().contains("backend    cpu   1 device"), r.out());
        assertTrue(r.out().contains("backend    cuda"), r.out());
    }

    @Test
    void checkPassesOnCpuWithATableOfErrors() {
        Run r = gla("check", "--backend", "cpu");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("PASS"), r.out());
        assertTrue(!r.out().contains("FAIL"), r.out());
        assertTrue(r.out().contains("16 of 16 cases passed on cpu"), r.out());
    }

    @Test
    void checkOnCudaRunsWhereADeviceExists() {
        assumeTrue(Kernels.cudaDeviceCount() > 0, "no CUDA device here");
        Run r = gla("check", "--backend", "cuda");
        assertEquals(0, r.status(), r.out() + r.err());
    }

    @Test
    void checkOnMissingCudaDeviceIsAnErrorNotACrash() {
        Run r = gla("check", "--backend", "cuda", "--device", "99");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("no cuda device 99"), r.err());
    }

    @Test
    void unknownBackendIsAUsageError() {
        Run r = gla("check", "--backend", "tpu");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--backend must be cpu or cuda, got tpu"), r.err());
    }

    @Test
    void demoShowsChunkAndDecodingAgree() {
        Run r = gla("demo", "--seq-len", "200", "--heads", "2", "--dim", "32", "--decode", "20");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("decoded outputs vs the whole-sequence pass"), r.out());
    }

    @Test
    void noSubcommandIsAUsageError() {
        Run r = gla();
        assertEquals(2, r.status());
    }
}
