package dev.lockstep.report;

import dev.lockstep.io.AtomicFiles;
import dev.lockstep.io.HadoopPaths;
import dev.lockstep.io.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** Reading a run's files and writing the report's, through Hadoop's FileSystem so that any URI works. */
final class ReportFiles {
    private ReportFiles() {}

    static boolean exists(Configuration conf, String uri) {
        return HadoopPaths.exists(conf, uri);
    }

    static String read(Configuration conf, String uri) {
        return HadoopPaths.readText(conf, uri);
    }

    /** history.jsonl's lines; none when the file is missing. */
    static List<Map<String, Object>> jsonLines(Configuration conf, String uri) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!exists(conf, uri)) return out;
        for (String line : read(conf, uri).split("\n")) if (!line.isBlank()) out.add(Json.parseMap(line, uri));
        return out;
    }

    static String write(Configuration conf, String dir, String name, byte[] content) {
        String uri = new Path(dir, name).toString();
        AtomicFiles.write(conf, uri, out -> out.write(content));
        return uri;
    }
}
