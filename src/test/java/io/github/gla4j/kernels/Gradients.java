/*
 * Gradients.java — compares every gradient of a backward run with the reference's.
 */
package io.github.gla4j.kernels;

final class Gradients {

    private Gradients() {
    }

    static void assertClose(String label, Harness.Backward ref, Harness.Backward got, double tol) {
        TestData.assertClose("dq (" + label + ")", ref.dq(), got.dq(), tol);
        TestData.assertClose("dk (" + label + ")", ref.dk(), got.dk(), tol);
        TestData.assertClose("dv (" + label + ")", ref.dv(), got.dv(), tol);
        if (ref.dg() != null) {
            TestData.assertClose("dg (" + label + ")", ref.dg(), got.dg(), tol);
        }
        if (ref.dh0() != null) {
            TestData.assertClose("dh0 (" + label + ")", ref.dh0(), got.dh0(), tol);
        }
    }
}
