package dev.lockstep.train.exchange;

import java.nio.BufferUnderflowException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.spark.rpc.RpcCallContext;
import org.apache.spark.rpc.RpcEnv;
import org.apache.spark.rpc.ThreadSafeRpcEndpoint;
import scala.PartialFunction;
import scala.runtime.AbstractPartialFunction;
import scala.runtime.BoxedUnit;

/**
 * An endpoint of the driver's Spark RPC environment that takes byte arrays ({@link StepMessages}) and hands each to
 * {@code handler} with the context to answer it, one message at a time. Anyone who reaches the endpoint can send one,
 * so a message the handler finds damaged or not fitting ({@link IllegalArgumentException}, or one cut short) is
 * refused: the sender gets the reason as its failure, and {@code refused} the reason for the driver's warning.
 */
final class BytesEndpoint implements ThreadSafeRpcEndpoint {
    private final RpcEnv env;
    private final BiConsumer<RpcCallContext, byte[]> handler;
    private final Consumer<String> refused;

    BytesEndpoint(RpcEnv env, BiConsumer<RpcCallContext, byte[]> handler, Consumer<String> refused) {
        this.env = env;
        this.handler = handler;
        this.refused = refused;
    }

    @Override
    public RpcEnv rpcEnv() {
        return env;
    }

    @Override
    public PartialFunction<Object, BoxedUnit> receiveAndReply(RpcCallContext context) {
        return new AbstractPartialFunction<>() {
            @Override
            public boolean isDefinedAt(Object message) {
                return message instanceof byte[];
            }

            @Override
            public <A1, B1> B1 applyOrElse(A1 message, scala.Function1<A1, B1> otherwise) {
                if (!(message instanceof byte[] bytes)) return otherwise.apply(message);
                try {
                    handler.accept(context, bytes);
                } catch (IllegalArgumentException | BufferUnderflowException e) {
                    refused.accept(String.valueOf(e.getMessage()));
                    context.sendFailure(e);
                }
                @SuppressWarnings("unchecked")
                B1 unit = (B1) BoxedUnit.UNIT;
                return unit;
            }
        };
    }
}
