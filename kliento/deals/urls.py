from django.urls import path

from kliento.core.records import views as records
from kliento.core.records.lists.views import list_urls
from kliento.deals.views import board, deals, settings

app_name = "deals"

bound = {"kind": "deal"}

urlpatterns = [
    *list_urls("deal", "deals/"),
    path("deals/new/", deals.deal_create, name="deal-create"),
    path("deals/board/", board.board_index, name="board-index"),
    path("deals/board/<int:pipeline_id>/", board.board, name="board"),
    path("deals/board/<int:pipeline_id>/stages/<int:stage_id>/more/", board.board_more, name="board-more"),
    path("deals/<int:record_id>/", records.record_card, bound, name="deal-detail"),
    path("deals/<int:record_id>/edit/", deals.deal_edit, name="deal-edit"),
    path("deals/<int:record_id>/delete/", deals.deal_delete, name="deal-delete"),
    path("deals/<int:record_id>/move/", board.deal_move, name="deal-move"),
    path("deals/<int:record_id>/won/", deals.deal_close, {"outcome": "won"}, name="deal-won"),
    path("deals/<int:record_id>/lost/", deals.deal_close, {"outcome": "lost"}, name="deal-lost"),
    path("deals/<int:record_id>/history/", records.record_history, bound, name="deal-history"),
    path("settings/pipelines/", settings.pipelines, name="pipeline-list"),
    path("settings/pipelines/<int:pipeline_id>/", settings.pipeline_edit, name="pipeline-edit"),
    path("settings/pipelines/<int:pipeline_id>/delete/", settings.pipeline_delete, name="pipeline-delete"),
    path(
        "settings/pipelines/<int:pipeline_id>/stages/<int:stage_id>/", settings.stage_edit, name="stage-edit"
    ),
    path("settings/stages/<int:stage_id>/delete/", settings.stage_delete, name="stage-delete"),
    path("settings/lost-reasons/", settings.lost_reasons, name="lost-reasons"),
    path(
        "settings/lost-reasons/<int:reason_id>/toggle/",
        settings.lost_reason_toggle,
        name="lost-reason-toggle",
    ),
]
