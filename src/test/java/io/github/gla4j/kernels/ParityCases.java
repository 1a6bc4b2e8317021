/*
 * ParityCases.java — argument sources for the parameterized parity tests: every Case on every backend.
 */
package io.github.gla4j.kernels;

import org.junit.jupiter.params.provider.Arguments;

import java.util.List;
import java.util.stream.Stream;

final class ParityCases {

    private ParityCases() {
    }

    static Stream<Arguments> grid() {
        return cross(Case.grid());
    }

    static Stream<Arguments> varlen() {
        return cross(Case.varlen());
    }

    private static Stream<Arguments> cross(List<Case> cases) {
        return Stream.of(Backends.values()).flatMap(b -> cases.stream().map(c -> Arguments.of(b, c)));
    }
}
