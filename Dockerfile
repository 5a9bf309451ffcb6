# Ferry's image: one image for every command (producer, consumer, broker, status, dlq, up, verify).
#
#   docker build -t ferry .
#   docker run --rm ferry --help
#
# Built with the classic builder as well as BuildKit (no BuildKit-only syntax), so it works with
# the Docker engine Debian ships. The build stage downloads Maven plugins and dependencies from
# Maven Central. Machines that cannot pull images use stand-ins of the two base images, built
# under these very names by docker/build-standin-images.sh.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The poms alone first, and a build of the empty modules: that fetches every plugin and dependency
# into a layer that is rebuilt only when a pom changes, not at every change of a source file.
# Maven needs the pom of every module the parent lists, tests/ included, even when it skips them.
# maven.test.skip: the image runs no tests, so it does not compile them either (`mvn verify` does).
COPY pom.xml ./
COPY wire/pom.xml wire/
COPY delta/pom.xml delta/
COPY journal/pom.xml journal/
COPY ignore/pom.xml ignore/
COPY producer/pom.xml producer/
COPY consumer/pom.xml consumer/
COPY broker/pom.xml broker/
COPY verify/pom.xml verify/
COPY monitor/pom.xml monitor/
COPY cli/pom.xml cli/
COPY dist/pom.xml dist/
COPY tests/pom.xml tests/
RUN mvn -B -q -Dmaven.test.skip=true package -pl cli -am
COPY wire/src wire/src
COPY delta/src delta/src
COPY journal/src journal/src
COPY ignore/src ignore/src
COPY producer/src producer/src
COPY consumer/src consumer/src
COPY broker/src broker/src
COPY verify/src verify/src
COPY monitor/src monitor/src
COPY cli/src cli/src
RUN mvn -B -q -o -Dmaven.test.skip=true package -pl cli -am

FROM eclipse-temurin:17-jre
# A user of its own, never root. /data/dest and /var/lib/ferry belong to it, so that named volumes
# mounted there start out writable by it; /data/source only needs to be readable.
RUN useradd --uid 10001 --user-group --no-create-home --home-dir /var/lib/ferry --shell /usr/sbin/nologin ferry \
    && mkdir -p /data/source /data/dest /var/lib/ferry/state /opt/ferry \
    && chown ferry:ferry /data/dest /var/lib/ferry /var/lib/ferry/state
COPY --from=build /src/cli/target/ferry.jar /opt/ferry/ferry.jar
COPY cli/src/main/jvm/jvm.options cli/src/main/jvm/jvm-linux.options cli/src/main/jvm/make-class-archive /opt/ferry/
# The launcher's class-data archive, for faster starts; an image without one works, only slower.
RUN /opt/ferry/make-class-archive /opt/ferry/ferry.jar /opt/ferry/ferry.jsa /opt/ferry/jvm.options \
    || echo "no class-data archive: Ferry starts without one"
# Java takes the encoding of file names from the locale: without UTF-8 it cannot name "ünïcødé.txt".
# XDG_DATA_HOME=/var/lib: what commands keep by default (the broker's --data, the producer's
# --state) goes to $XDG_DATA_HOME/ferry, i.e. /var/lib/ferry, the one directory to put a volume on.
ENV LC_ALL=C.UTF-8 \
    LANG=C.UTF-8 \
    XDG_DATA_HOME=/var/lib \
    JAVA_OPTS=""
USER ferry
WORKDIR /var/lib/ferry
# A shell that at once replaces itself with java (so java gets the signals), only so that JAVA_OPTS
# (several words, e.g. "-Xmx512m -XX:+ExitOnOutOfMemoryError") reaches the JVM as it does with the
# ./ferry launcher: after the options files, so that its options win. JDK_JAVA_OPTIONS works too.
ENTRYPOINT ["/bin/sh", "-c", "exec java @/opt/ferry/jvm.options @/opt/ferry/jvm-linux.options -XX:SharedArchiveFile=/opt/ferry/ferry.jsa -Xlog:cds=off $JAVA_OPTS -jar /opt/ferry/ferry.jar \"$@\"", "ferry"]
CMD ["--help"]
