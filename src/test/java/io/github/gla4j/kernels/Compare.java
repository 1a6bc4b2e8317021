/*
 * Compare.java — compares every output or gradient of a run with the expected one (TestData.assertClose, measured on
 * the reference's magnitude).
 */
package io.github.gla4j.kernels;

final class Compare {

    private Compare() {
    }

    static void forward(String label, Harness.ExpectedForward expected, Harness.Forward got, double tol) {
        Harness.Forward ref = expected.value(), mag = expected.magnitude();
        TestData.assertClose("o (" + label + ")", ref.o(), mag.o(), got.o(), tol);
        if (ref.ht() != null) {
            TestData.assertClose("ht (" + label + ")", ref.ht(), mag.ht(), got.ht(), tol);
        }
    }

    static void backward(String label, Harness.ExpectedBackward expected, Harness.Backward got, double tol) {
        Harness.Backward ref = expected.value(), mag = expected.magnitude();
        TestData.assertClose("dq (" + label + ")", ref.dq(), mag.dq(), got.dq(), tol);
        TestData.assertClose("dk (" + label + ")", ref.dk(), mag.dk(), got.dk(), tol);
        TestData.assertClose("dv (" + label + ")", ref.dv(), mag.dv(), got.dv(), tol);
        if (ref.dg() != null) {
            TestData.assertClose("dg (" + label + ")", ref.dg(), mag.dg(), got.dg(), tol);
        }
        if (ref.dh0() != null) {
            TestData.assertClose("dh0 (" + label + ")", ref.dh0(), mag.dh0(), got.dh0(), tol);
        }
    }
}
