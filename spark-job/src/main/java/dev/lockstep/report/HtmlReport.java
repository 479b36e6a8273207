package dev.lockstep.report;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One self-contained HTML page: pictures embedded as base64 data URIs, no scripts, no external style sheets or
 * fonts, so it can be mailed or archived and still show everything. Numbers that tests and tools may want to read
 * back (the confusion matrix) sit in a table with {@code data-} attributes.
 */
final class HtmlReport {
    private final StringBuilder body = new StringBuilder();
    private final String title;

    HtmlReport(String title) {
        this.title = title;
    }

    HtmlReport heading(String text) {
        body.append("<h2>").append(escape(text)).append("</h2>\n");
        return this;
    }

    HtmlReport paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    HtmlReport image(String fileName, byte[] png, String caption) {
        body.append("<figure><img alt=\"")
                .append(escape(caption))
                .append("\" data-file=\"")
                .append(escape(fileName))
                .append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png))
                .append("\"><figcaption>")
                .append(escape(caption))
                .append("</figcaption></figure>\n");
        return this;
    }

    /** Key-value rows; nested values are shown as their JSON-ish text. */
    HtmlReport table(String id, Map<String, ?> rows) {
        body.append("<table id=\"").append(escape(id)).append("\">\n");
        rows.forEach((k, v) -> body.append("<tr><th>")
                .append(escape(k))
                .append("</th><td>")
                .append(escape(format(v)))
                .append("</td></tr>\n"));
        body.append("</table>\n");
        return this;
    }

    /** Rows of cells under a header row. */
    HtmlReport grid(String id, List<String> header, List<List<Object>> rows) {
        body.append("<table id=\"").append(escape(id)).append("\">\n<tr>");
        for (String h : header) body.append("<th>").append(escape(h)).append("</th>");
        body.append("</tr>\n");
        for (List<Object> row : rows) {
            body.append("<tr>");
            for (Object v : row) body.append("<td>").append(escape(format(v))).append("</td>");
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /**
     * The matrix as a table: each count cell carries {@code data-true}, {@code data-predicted} and {@code data-count}.
     */
    HtmlReport confusion(List<List<Long>> matrix) {
        int n = matrix.size();
        body.append("<table id=\"confusion-matrix\" class=\"confusion\">\n<tr><th>true \\ predicted</th>");
        for (int p = 0; p < n; p++) body.append("<th>").append(p).append("</th>");
        body.append("</tr>\n");
        for (int t = 0; t < n; t++) {
            body.append("<tr><th>").append(t).append("</th>");
            for (int p = 0; p < n; p++) {
                long v = matrix.get(t).get(p);
                body.append("<td data-true=\"")
                        .append(t)
                        .append("\" data-predicted=\"")
                        .append(p)
                        .append("\" data-count=\"")
                        .append(v)
                        .append("\"")
                        .append(t == p ? " class=\"diag\"" : v > 0 ? " class=\"off\"" : "")
                        .append('>')
                        .append(v)
                        .append("</td>");
            }
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    String render() {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title>\n<style>\n"
                + "body{font-family:sans-serif;max-width:1400px;margin:2em auto;padding:0 1em;color:#222}\n"
                + "figure{display:inline-block;margin:0.5em;vertical-align:top}figcaption{font-size:90%;color:#555}\n"
                + "img{max-width:100%;image-rendering:pixelated}\n"
                + "table{border-collapse:collapse;margin:0.5em 0}th,td{border:1px solid #ccc;padding:2px "
                + "8px;text-align:right}\n"
                + "th{background:#f4f4f4}td.diag{background:#deebf7}td.off{background:#fde0dd}\n"
                + "</style></head><body>\n<h1>" + escape(title) + "</h1>\n" + body + "</body></html>\n";
    }

    static String format(Object v) {
        if (v instanceof Double d) return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "";
        if (v instanceof Float f) return String.format(Locale.ROOT, "%.6g", f);
        return v == null ? "" : String.valueOf(v);
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
