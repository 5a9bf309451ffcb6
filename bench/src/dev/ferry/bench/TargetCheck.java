package dev.ferry.bench;

/**
 * One of the targets and whether this run met it.
 *
 * @param target what the issue asks, in words
 * @param met    whether it was met; {@code null} when it could not be checked (say, a baseline was not run)
 * @param detail the numbers behind the verdict; when missed, by how much
 */
record TargetCheck(String target, Boolean met, String detail) {

    String verdict() {
        return met == null ? "n/a" : met ? "met" : "**missed**";
    }

    /** The target "{@code value} at most {@code limit}", with the factor by which it was missed if it was. */
    static TargetCheck atMost(String target, double value, double limit, Unit unit) {
        if (Double.isNaN(value) || Double.isNaN(limit)) {
            return new TargetCheck(target, null, "not measured in this run");
        }
        boolean met = value <= limit;
        String detail = unit.format(value) + " against a limit of " + unit.format(limit);
        if (!met) {
            detail += String.format(java.util.Locale.ROOT, "; missed by %.0f%% (%.2f× the limit)",
                    (value / limit - 1) * 100, value / limit);
        }
        return new TargetCheck(target, met, detail);
    }
}
