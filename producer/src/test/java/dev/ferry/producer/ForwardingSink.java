package dev.ferry.producer;

import dev.ferry.wire.ChangeEvent;
import java.io.IOException;

/** A sink that hands everything to another: a test overrides what it wants to intercept. */
class ForwardingSink implements ChangeSink {

    private final ChangeSink sink;

    ForwardingSink(ChangeSink sink) {
        this.sink = sink;
    }

    @Override
    public void useStream(StreamSequence stream) {
        sink.useStream(stream);
    }

    @Override
    public void send(ChangeEvent event, byte[] body, int length) throws IOException {
        sink.send(event, body, length);
    }

    @Override
    public void commit() throws IOException {
        sink.commit();
    }

    @Override
    public void checkConnected() throws BrokerUnavailableException {
        sink.checkConnected();
    }

    @Override
    public void reconnect() throws IOException {
        sink.reconnect();
    }

    @Override
    public void close() throws IOException {
        sink.close();
    }
}
