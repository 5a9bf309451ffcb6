# Stand-in for maven:3.9-eclipse-temurin-17, built offline by docker/build-standin-images.sh: the
# machine's own JDK and Maven (whatever version the machine has, 3.8 on Debian bookworm) on the
# same minimal Debian root file system. Same JAVA_HOME, MAVEN_HOME, MAVEN_CONFIG and mvn on the
# PATH as the official image.
FROM ferry-standin/debian:bookworm
ENV JAVA_HOME=/opt/java/openjdk \
    MAVEN_HOME=/usr/share/maven \
    MAVEN_CONFIG=/root/.m2 \
    LANG=C.UTF-8 \
    LC_ALL=C.UTF-8
ENV PATH=$JAVA_HOME/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY jdk $JAVA_HOME
COPY maven $MAVEN_HOME
RUN ln -s $MAVEN_HOME/bin/mvn /usr/bin/mvn && mvn -version
LABEL dev.ferry.standin="maven:3.9-eclipse-temurin-17, built offline from the local JDK and Maven; not the official image"
CMD ["mvn"]
