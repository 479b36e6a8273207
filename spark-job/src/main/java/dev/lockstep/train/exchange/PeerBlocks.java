package dev.lockstep.train.exchange;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.SparkEnv;
import org.apache.spark.network.buffer.ManagedBuffer;
import org.apache.spark.network.shuffle.BlockFetchingListener;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.storage.TestBlockId;
import org.apache.spark.util.io.ChunkedByteBuffer;
import scala.reflect.ClassTag$;

/**
 * The slices a sharded exchange moves between executors, as blocks of Spark's own block managers: stored in this
 * executor's, fetched from a peer's through its block transfer service, so {@code spark.authenticate} and
 * {@code spark.network.crypto.enabled} cover them as they do shuffle and broadcast blocks, on the port Spark already
 * uses. The driver is never told of them (no block is reported to the master): a task learns from the driver that
 * its peers' blocks are stored, then fetches them straight from the peers, so no fetch ever asks for a block that is
 * not there yet (which would make the peer report to the driver). Spark names blocks it does not know as test
 * blocks; these carry the channel's name.
 *
 * <p>Spark's block manager classes are internal to Spark; this class is the one place Lockstep uses them.
 */
final class PeerBlocks {
    private PeerBlocks() {}

    /** This executor's block manager. */
    static Peer self() {
        BlockManagerId id = manager().blockManagerId();
        return new Peer(id.executorId(), id.host(), id.port());
    }

    /**
     * Stores {@code bytes} (not copied: never change them afterwards) under {@code name} in this executor's memory.
     * Never on disk: Spark's disk store would read raw bytes back through its I/O encryption.
     */
    static void put(String name, byte[] bytes) {
        boolean stored = manager()
                .putBytes(
                        new TestBlockId(name),
                        new ChunkedByteBuffer(ByteBuffer.wrap(bytes)),
                        StorageLevel.MEMORY_ONLY_SER(),
                        false,
                        ClassTag$.MODULE$.apply(byte[].class));
        if (!stored)
            throw new IllegalStateException("could not store block " + name + " of " + bytes.length + " bytes");
    }

    static void remove(String name) {
        manager().removeBlock(new TestBlockId(name), false);
    }

    /** Fetches the blocks {@code names} from {@code peer}; each future fails if its block cannot be fetched. */
    @SuppressWarnings("unchecked")
    static CompletableFuture<byte[]>[] fetch(Peer peer, String... names) {
        CompletableFuture<byte[]>[] out = new CompletableFuture[names.length];
        String[] ids = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = new CompletableFuture<>();
            ids[i] = new TestBlockId(names[i]).name();
        }
        BlockFetchingListener listener = new BlockFetchingListener() {
            @Override
            public void onBlockFetchSuccess(String blockId, ManagedBuffer data) {
                // The buffer is released once this returns: copy it now.
                try {
                    ByteBuffer b = data.nioByteBuffer();
                    byte[] bytes = new byte[b.remaining()];
                    b.get(bytes);
                    future(blockId).complete(bytes);
                } catch (Exception e) {
                    future(blockId).completeExceptionally(e);
                }
            }

            @Override
            public void onBlockFetchFailure(String blockId, Throwable failure) {
                future(blockId).completeExceptionally(failure);
            }

            private CompletableFuture<byte[]> future(String blockId) {
                for (int i = 0; i < ids.length; i++) if (blockId.equals(ids[i])) return out[i];
                throw new IllegalStateException("a block that was not asked for: " + blockId);
            }
        };
        try {
            manager()
                    .blockTransferService()
                    .fetchBlocks(peer.host(), peer.port(), peer.executorId(), ids, listener, null);
        } catch (RuntimeException e) {
            for (CompletableFuture<byte[]> f : out) f.completeExceptionally(e);
        }
        return out;
    }

    private static BlockManager manager() {
        SparkEnv env = SparkEnv.get();
        if (env == null) throw new IllegalStateException("no Spark environment in this JVM");
        return env.blockManager();
    }
}
