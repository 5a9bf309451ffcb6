# Stand-in for eclipse-temurin:17-jre, built offline by docker/build-standin-images.sh: a minimal
# Debian bookworm root file system (imported as ferry-standin/debian:bookworm) with a JRE made by
# jlink from the machine's own JDK. Same JAVA_HOME, PATH and locale as the official image, so
# what runs on it runs on the real one.
FROM ferry-standin/debian:bookworm
ENV JAVA_HOME=/opt/java/openjdk \
    LANG=C.UTF-8 \
    LC_ALL=C.UTF-8
ENV PATH=$JAVA_HOME/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY jre $JAVA_HOME
RUN java -version
LABEL dev.ferry.standin="eclipse-temurin:17-jre, built offline from the local JDK; not the official image"
CMD ["jshell"]
