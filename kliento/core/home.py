"""The widgets the home page is made of: each app registers its own in its AppConfig.ready().

A widget is a template and a function that gives it its context, or None when it has nothing to
show (so an empty widget takes no room). The home page asks every widget, in order, whose
permission the member has:

    register_home_widget(
        key="my_tasks",
        title=_("Due today"),
        template="activities/_home_tasks.html",
        context=lambda request: {"tasks": due_today(member=request.member)[:10]},
        order=20,
    )

The context function gets the request (with `request.member` and `request.organization`) and runs
a fixed number of queries, whatever the organization's size: the home page pins its query count.
`wide` gives a widget the page's full width instead of half of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.safestring import SafeString

from kliento.core.parts import Part, PartOnPage, PartRegistry
from kliento.core.permissions import Permission
from kliento.core.requests import OrgRequest

WidgetContext = Callable[[OrgRequest], dict[str, Any] | None]


@dataclass(frozen=True)
class HomeWidget(Part):
    wide: bool = False


@dataclass
class WidgetOnHome(PartOnPage[HomeWidget]):
    html: SafeString = field(default_factory=SafeString)

    @property
    def widget(self) -> HomeWidget:
        return self.part


_widgets: PartRegistry[HomeWidget] = PartRegistry()


def register_home_widget(
    *,
    key: str,
    title: str | Promise,
    template: str,
    context: WidgetContext,
    order: int = 100,
    permission: Permission | None = None,
    wide: bool = False,
) -> None:
    """Add a widget to the home page; registering the same key again replaces it."""
    _widgets.register(
        HomeWidget(
            key=key,
            title=title,
            template=template,
            context=context,
            order=order,
            permission=permission,
            wide=wide,
        )
    )


def unregister_home_widget(key: str) -> None:
    _widgets.unregister(key)


def home_widgets_for(request: OrgRequest) -> list[WidgetOnHome]:
    """The widgets this member may see that have something to show, rendered, in order."""
    member = request.member
    return [
        WidgetOnHome(part=shown.part, context=shown.context, html=shown.render(request))
        for shown in _widgets.shown_to(member, request)
    ]
