package dev.ferry.producer;

import dev.ferry.wire.ChangeEvent;
import dev.ferry.wire.RepairMessage;
import jakarta.jms.Message;
import java.io.IOException;

/** A sink that hands everything to another, repairs included: a test overrides what it wants to intercept. */
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
    public void sendToMirror(String mirror, ChangeEvent event, byte[] body, int length) throws IOException {
        sink.sendToMirror(mirror, event, body, length);
    }

    @Override
    public void sendToMirror(String mirror, RepairMessage message) throws IOException {
        sink.sendToMirror(mirror, message);
    }

    @Override
    public Message nextControl() throws IOException {
        return sink.nextControl();
    }

    @Override
    public void acknowledgeControl(Message message) throws IOException {
        sink.acknowledgeControl(message);
    }

    @Override
    public void onControlMessage(Runnable wake) {
        sink.onControlMessage(wake);
    }

    @Override
    public boolean exists(String mirror) throws IOException {
        return sink.exists(mirror);
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
