/**
 * How a step's parameters reach resident tasks and their partial gradients come back: the channel between the
 * driver and the tasks of an epoch ({@link dev.lockstep.train.exchange.StepChannel}, chosen by {@link
 * dev.lockstep.train.exchange.Exchange}): in-process as {@link dev.lockstep.train.exchange.LocalStepChannel}, every
 * gradient to the driver over Spark's RPC as {@link dev.lockstep.train.exchange.RpcStepChannel}, or reduce-scattered
 * among the tasks as {@link dev.lockstep.train.exchange.ShardedStepChannel} (its task end {@link
 * dev.lockstep.train.exchange.ShardedLink}, the parameter {@link dev.lockstep.train.exchange.Slices}, the blocks
 * moved between executors by {@link dev.lockstep.train.exchange.PeerBlocks}). Also the state the channels share
 * ({@link dev.lockstep.train.exchange.StepBoard}), the wire format of their messages ({@link
 * dev.lockstep.train.exchange.StepMessages}, {@link dev.lockstep.train.exchange.ShardMessages}), the shape the driver
 * checks each answer against ({@link dev.lockstep.train.exchange.AnswerShape}), and a task's answer itself ({@link
 * dev.lockstep.train.exchange.PartialGradient}, whose bytes travel as {@link
 * dev.lockstep.train.exchange.ExchangedBytes}). A new way of moving gradients starts here.
 *
 * <p>May depend on {@code train.sum}, {@code train.rows}, {@code train.timing} and Spark; not on {@code train.step} or
 * {@code train}.
 */
package dev.lockstep.train.exchange;
