# Stand-in for apache/activemq-classic:5.18.3, built offline by docker/build-standin-images.sh from
# the official distribution tarball (Maven Central: org.apache.activemq:apache-activemq:5.18.3,
# classifier bin). Layout, environment, exposed ports and entry point as in the official image
# (assembly/src/docker/Dockerfile in apache/activemq): the distribution in /opt/apache-activemq,
# its conf/ and data/ below it, `activemq console` run by /usr/local/bin/entrypoint.sh.
FROM eclipse-temurin:17-jre
ENV ACTIVEMQ_INSTALL_PATH=/opt
ENV ACTIVEMQ_HOME=$ACTIVEMQ_INSTALL_PATH/apache-activemq
ENV ACTIVEMQ_CONF=$ACTIVEMQ_HOME/conf \
    ACTIVEMQ_EXEC=exec
ENV PATH=$PATH:$ACTIVEMQ_HOME/bin
COPY activemq-entrypoint.sh /usr/local/bin/entrypoint.sh
# The unpacked distribution (the script unpacks the tarball: one layer instead of two).
COPY apache-activemq $ACTIVEMQ_HOME
LABEL dev.ferry.standin="apache/activemq-classic:5.18.3, built offline from the distribution tarball; not the official image"
EXPOSE 8161 61616 5672 61613 1883 61614 1099
ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]
CMD ["activemq", "console"]
