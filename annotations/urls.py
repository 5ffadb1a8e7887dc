from django.urls import path

from annotations.views import (
    annotations_list,
    assignments,
    claims,
    notes,
    reader,
    side_list,
    spans,
    suggestions,
    vocabulary,
)

app_name = "annotations"
urlpatterns = [
    # Reader and the annotation loop (annotations/views/reader.py).
    path("articles/<int:article_id>/", reader.reader, name="reader"),
    path("articles/<int:article_id>/passages/", side_list.side_list, name="side-list"),
    path("articles/<int:article_id>/activity/", side_list.article_activity, name="article-activity"),
    path("articles/<int:article_id>/suggestions/", reader.show_suggestions, name="suggestions-show"),
    # Vocabulary suggestions: reject in the reader; the leads' list (annotations/views/suggestions.py).
    path(
        "articles/<int:article_id>/suggestions/reject/",
        suggestions.reject_suggestion,
        name="suggestion-reject",
    ),
    path("vocabulary/rejected/", suggestions.rejected_suggestions, name="rejected-suggestions"),
    path("vocabulary/rejected/restore/", suggestions.restore_suggestions, name="suggestions-restore"),
    path("articles/<int:article_id>/spans/", spans.create_span, name="span-create"),
    path("articles/<int:article_id>/spans/choose/", spans.choose_span, name="span-choose"),
    path("articles/<int:article_id>/notes/", notes.add_article_note, name="article-note-add"),
    path("spans/<int:span_id>/", spans.span_panel, name="span-panel"),
    path("spans/<int:span_id>/tags/", spans.add_tag, name="span-tag-add"),
    path("spans/<int:span_id>/tags/<int:tag_id>/remove/", spans.remove_tag, name="span-tag-remove"),
    path("spans/<int:span_id>/tags/<int:tag_id>/role/", spans.change_role, name="span-tag-role"),
    path("spans/<int:span_id>/notes/", notes.add_span_note, name="span-note-add"),
    path("spans/<int:span_id>/delete/", spans.delete_span, name="span-delete"),
    path("spans/<int:span_id>/restore/", spans.restore_span, name="span-restore"),
    path("notes/<int:note_id>/edit/", notes.change_note, {"action": "edit"}, name="note-edit"),
    path("notes/<int:note_id>/delete/", notes.change_note, {"action": "delete"}, name="note-delete"),
    path("terms/suggest/", reader.suggest_terms, name="term-suggest"),
    # Claims in the reader (annotations/views/claims.py).
    path("articles/<int:article_id>/claims/new/", claims.claim_form, name="claim-form"),
    path("articles/<int:article_id>/claims/", claims.create_claim, name="claim-create"),
    path("articles/<int:article_id>/claims/terms/", claims.claim_terms, name="claim-terms"),
    path("claims/<int:claim_id>/", claims.claim_panel, name="claim-panel"),
    path("claims/<int:claim_id>/edit/", claims.edit_claim, name="claim-edit"),
    path("claims/<int:claim_id>/delete/", claims.delete_claim, name="claim-delete"),
    path("claims/<int:claim_id>/restore/", claims.restore_claim, name="claim-restore"),
    # Vocabulary (annotations/views/vocabulary.py).
    path("vocabulary/", vocabulary.vocabulary, name="vocabulary"),
    path("vocabulary/new/", vocabulary.term_create, name="term-create"),
    path("vocabulary/export/", vocabulary.vocabulary_export, name="vocabulary-export"),
    path("vocabulary/import/", vocabulary.vocabulary_import, name="vocabulary-import"),
    path("vocabulary/propose/", vocabulary.term_propose, name="term-propose"),
    path("vocabulary/terms/<slug:slug>/", vocabulary.term_detail, name="term-detail"),
    path("vocabulary/terms/<slug:slug>/edit/", vocabulary.term_edit, name="term-edit"),
    path("vocabulary/terms/<slug:slug>/aliases/", vocabulary.alias_add, name="alias-add"),
    path(
        "vocabulary/terms/<slug:slug>/aliases/<int:alias_id>/remove/",
        vocabulary.alias_remove,
        name="alias-remove",
    ),
    path("vocabulary/terms/<slug:slug>/merge/", vocabulary.term_merge, name="term-merge"),
    path("vocabulary/terms/<slug:slug>/retire/", vocabulary.term_retire, name="term-retire"),
    path("vocabulary/terms/<slug:slug>/accept/", vocabulary.term_accept, name="term-accept"),
    # Annotations screen and export (annotations/views/annotations_list.py).
    path("annotations/", annotations_list.annotation_list, name="annotation-list"),
    path("annotations/export/", annotations_list.export, name="export"),
    path("annotations/sets/", annotations_list.save_set, name="save-set"),
    path("annotations/sets/<int:set_id>/", annotations_list.edit_set, name="edit-set"),
    path("annotations/sets/<int:set_id>/delete/", annotations_list.delete_set, name="delete-set"),
    # Team coding: assignments and My work (annotations/views/assignments.py).
    path("assignments/new/", assignments.assign, name="assign"),
    path("assignments/<int:assignment_id>/close/", assignments.close_assignment, name="assignment-close"),
    path("my-work/", assignments.my_work, name="my-work"),
    path("my-work/<int:task_id>/status/", assignments.set_status, name="assigned-status"),
]
