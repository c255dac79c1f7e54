package kernelfield.engine.compute;

/**
 * Probe for a CUDA device through the JCuda driver API. The probe runs once (initialises the
 * driver, counts devices) and its answer is cached. Any failure, including the
 * {@link UnsatisfiedLinkError} that JCuda throws where the native library or the driver is
 * missing, is caught and turned into "no CUDA": callers then fall back to the {@link CpuDevice}.
 */
public final class Cuda {
    private Cuda() {
    }

    private record Probe(boolean available, int deviceCount, String status) {
    }

    private static final class Holder {
        static final Probe PROBE = probe();
    }

    /** True when the JCuda driver API initialised and at least one CUDA device exists. Never throws. */
    public static boolean available() {
        return Holder.PROBE.available();
    }

    /** Number of CUDA devices, 0 where there is no CUDA. Never throws. */
    public static int deviceCount() {
        return Holder.PROBE.deviceCount();
    }

    /**
     * One line for logs: {@code "CUDA: 1 device(s), driver 12060"} or {@code "no CUDA: <reason>"}.
     * Never throws.
     */
    public static String status() {
        return Holder.PROBE.status();
    }

    private static Probe probe() {
        if (Boolean.getBoolean("kf.cuda.disable")) {
            return new Probe(false, 0, "no CUDA: disabled by -Dkf.cuda.disable=true");
        }
        try {
            jcuda.driver.JCudaDriver.setExceptionsEnabled(false);
            int rc = jcuda.driver.JCudaDriver.cuInit(0);
            if (rc != jcuda.driver.CUresult.CUDA_SUCCESS) {
                return new Probe(false, 0, "no CUDA: cuInit failed with " + jcuda.driver.CUresult.stringFor(rc));
            }
            int[] count = new int[1];
            rc = jcuda.driver.JCudaDriver.cuDeviceGetCount(count);
            if (rc != jcuda.driver.CUresult.CUDA_SUCCESS) {
                return new Probe(false, 0, "no CUDA: cuDeviceGetCount failed with " + jcuda.driver.CUresult.stringFor(rc));
            }
            if (count[0] <= 0) return new Probe(false, 0, "no CUDA: the driver reports no device");
            int[] version = new int[1];
            jcuda.driver.JCudaDriver.cuDriverGetVersion(version);
            return new Probe(true, count[0], "CUDA: " + count[0] + " device(s), driver " + version[0]);
        } catch (Throwable t) { // LinkageError (no native library / driver) or anything else JCuda throws
            String msg = t.getMessage();
            if (msg != null) {
                int nl = msg.indexOf('\n');
                if (nl >= 0) msg = msg.substring(0, nl);
            }
            return new Probe(false, 0, "no CUDA: " + t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.strip()));
        }
    }
}
