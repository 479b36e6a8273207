/**
 * How a step's parameters reach resident tasks and their partial gradients come back: the channel between the
 * driver and the tasks of an epoch ({@link dev.lockstep.train.exchange.StepChannel}, in-process as
 * {@link dev.lockstep.train.exchange.LocalStepChannel}, over Spark's RPC as
 * {@link dev.lockstep.train.exchange.RpcStepChannel}), the state they share ({@link
 * dev.lockstep.train.exchange.StepBoard}), the wire format of their messages ({@link
 * dev.lockstep.train.exchange.StepMessages}), the shape the driver checks each answer against ({@link
 * dev.lockstep.train.exchange.AnswerShape}), and a task's answer itself ({@link
 * dev.lockstep.train.exchange.PartialGradient}, whose bytes travel as {@link
 * dev.lockstep.train.exchange.ExchangedBytes}). A new way of moving gradients starts here.
 *
 * <p>May depend on {@code train.sum}, {@code train.rows}, {@code train.timing} and Spark; not on {@code train.step} or
 * {@code train}.
 */
package dev.lockstep.train.exchange;
