package dev.lockstep.nn;

import java.util.zip.CRC32C;

/** Run in a separate JVM by {@link KernelsTest}: prints which kernels it got and a checksum of the gradient bits. */
final class KernelFingerprint {
    private KernelFingerprint() {}

    public static void main(String[] args) {
        System.out.println("kernels " + DenseKernels.description());
        System.out.println("fingerprint " + fingerprint(DenseKernels.current()));
    }

    static String fingerprint(Kernels kernels) {
        CRC32C crc = new CRC32C();
        for (int[] sizes : new int[][] {{784, 256, 128, 10}, {17, 3, 785, 10}}) {
            for (int n : new int[] {7, 129}) {
                for (long b : KernelsTest.gradientBits(new Architecture(sizes, Activation.RELU), n, kernels)) {
                    for (int s = 0; s < 64; s += 8) crc.update((int) (b >>> s));
                }
            }
        }
        return Long.toHexString(crc.getValue());
    }
}
