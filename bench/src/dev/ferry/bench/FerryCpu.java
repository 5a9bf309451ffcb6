package dev.ferry.bench;

/**
 * The CPU each Ferry process spent in a measured run, as detail series of a scenario (issue 16):
 * the broker's and the consumer's from a reading just before the clock starts to one just after the
 * queue is drained, the producer's (started on the clock) when last seen alive, and the broker's per
 * GiB of the bytes it took onto the queue, by its own count ({@link BrokerTraffic}). Beside them, the
 * queue-statistics queries the broker answered on the clock, which its CPU includes.
 */
final class FerryCpu {

    static final String BROKER_PER_GIB = "Ferry: broker CPU per GiB";
    static final String METHOD = "CPU time: user + system of all threads of a process (utime + stime in "
            + "/proc/PID/stat, counted in clock ticks: 10 ms at the usual CLK_TCK of 100). For the broker and the "
            + "consumer, the difference between a reading just before the clock starts and one just after the queue "
            + "is drained; for the producer, which runs only on the clock, its total as last sampled alive (every "
            + "20 ms, so short by at most what it used in its last 20 ms). The broker's includes answering the "
            + "benchmark's queue-statistics queries, every 20 ms from the producer's exit until the queue is drained "
            + "(the row \"queue-statistics queries\"): each is a connection of its own, about 10 ms of broker CPU "
            + "(9-14 ms measured apart on a 2-core AMD EPYC, not in this run). Per GiB: the broker's CPU divided by "
            + "the bytes its statistics plugin says it took onto the mirror's queue in the run (enqueue count × "
            + "average message size, so 1 KiB a message of it is ActiveMQ's allowance for the headers).";
    private static final double GIB = 1 << 30;

    /** The CPU the broker and the consumer had used when the clock started. */
    record Mark(Launched broker, Launched consumer, double brokerSeconds, double consumerSeconds) {

        /** Reads both, just before the clock starts. */
        static Mark of(Launched broker, Launched consumer) {
            return new Mark(broker, consumer, ProcessCpu.seconds(broker), ProcessCpu.seconds(consumer));
        }

        /**
         * What the run cost since this mark. Call it just after the queue is drained, before anything else
         * asks the broker, so that the broker's CPU does not count answering that.
         */
        Spent spentSince(UsageSampler producer, int statisticsQueries) throws InterruptedException {
            return new Spent(ProcessCpu.seconds(broker) - brokerSeconds,
                    ProcessCpu.seconds(consumer) - consumerSeconds, producer.cpuSeconds(), statisticsQueries);
        }
    }

    /** CPU seconds of each process in one run, and the statistics queries the broker answered meanwhile. */
    record Spent(double broker, double consumer, double producer, int statisticsQueries) {
    }

    private final Series broker;
    private final Series brokerPerGib;
    private final Series consumer;
    private final Series producer;
    private final Series statisticsQueries;

    FerryCpu(Details details) {
        this(details, "Ferry: ");
    }

    /** @param prefix what each series' name begins with ("Ferry: " unless a scenario measures several phases) */
    FerryCpu(Details details, String prefix) {
        this.broker = details.detailSeries(prefix + "broker CPU", Unit.SECONDS);
        this.brokerPerGib = details.detailSeries(prefix + "broker CPU per GiB", Unit.SECONDS_PER_GIB);
        this.consumer = details.detailSeries(prefix + "consumer CPU", Unit.SECONDS);
        this.producer = details.detailSeries(prefix + "producer CPU", Unit.SECONDS);
        this.statisticsQueries = details.detailSeries(prefix + "queue-statistics queries on the clock (in the "
                + "broker's CPU)", Unit.QUERIES);
    }

    /** Records one run; {@code queueBytes} is what the broker took onto the mirror's queue during it. */
    void add(Spent spent, long queueBytes) {
        broker.add(spent.broker());
        // A run that copied something always has bytes; NaN rather than a division by zero if one did not.
        brokerPerGib.add(queueBytes > 0 ? spent.broker() / (queueBytes / GIB) : Double.NaN);
        consumer.add(spent.consumer());
        producer.add(spent.producer());
        statisticsQueries.add(spent.statisticsQueries());
    }
}
