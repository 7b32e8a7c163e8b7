package org.dorametrics.sources.gitlab;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.Path;
import org.dorametrics.collect.RawZone;
import org.dorametrics.config.DoraConfig.GitLabProject;
import org.dorametrics.config.DoraConfig.GitLabSource;
import org.dorametrics.sources.http.PageStore;
import org.dorametrics.table.OutputLocation;

/**
 * Where a GitLab source's pages live in the raw zone: {@code <output>/raw/gitlab/<name>/<project>/<endpoint>/}, the
 * project path with {@code /} as {@code _}. The incremental listings ({@code deployments}, {@code pipelines},
 * {@code merge_requests}, {@code incidents}) keep one {@code fetch-<time>/} folder per run; {@code pipeline/<id>} (one
 * finished pipeline), {@code mr_commits/<iid>} and {@code mr_notes/<iid>} are whole listings.
 */
final class GitLabPages {
    static final String DEPLOYMENTS = "deployments";
    static final String PIPELINES = "pipelines";
    static final String MERGE_REQUESTS = "merge_requests";
    static final String INCIDENTS = "incidents";

    private GitLabPages() {}

    static PageStore store(OutputLocation output, GitLabSource source) {
        return new PageStore(output, source.sourceName(), output.raw("gitlab", RawZone.folderName(source.name())));
    }

    static Path folder(PageStore store, GitLabProject project, String endpoint) {
        return store.folder(RawZone.folderName(project.project()), endpoint);
    }

    /** The project as API paths name it: its id, or its path URL-encoded ({@code acme%2Fpayments}). */
    static String apiPath(GitLabProject project) {
        return "/projects/" + URLEncoder.encode(project.project(), StandardCharsets.UTF_8);
    }

    static String pipeline(long id) {
        return "pipeline/" + id;
    }

    static String mergeRequestCommits(long iid) {
        return "mr_commits/" + iid;
    }

    static String mergeRequestNotes(long iid) {
        return "mr_notes/" + iid;
    }
}
