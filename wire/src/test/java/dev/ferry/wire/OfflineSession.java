package dev.ferry.wire;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.lang.reflect.Proxy;
import org.apache.activemq.command.ActiveMQBytesMessage;

/** Makes messages as a real session would, without a broker, and hands them over as a receiver gets them. */
public final class OfflineSession {

    public static final Session SESSION = (Session) Proxy.newProxyInstance(Session.class.getClassLoader(),
            new Class<?>[] {Session.class}, (proxy, method, args) -> {
                if (method.getName().equals("createBytesMessage")) {
                    return new ActiveMQBytesMessage();
                }
                throw new UnsupportedOperationException(method.getName());
            });

    private OfflineSession() {
    }

    /** The message as a consumer receives it: read-only, positioned at the start of the body. */
    public static BytesMessage received(BytesMessage sent) throws JMSException {
        ((ActiveMQBytesMessage) sent).reset();
        return sent;
    }
}
