"""The pages `cogov ui` serves: a run to watch and compare at ``/`` (`app.page`), the teacher's
classroom console at ``/class`` and a student's page at ``/join`` (`app.classroom.pages`)."""

from __future__ import annotations

import solara

from .classroom.pages import StudentPage, TeacherPage
from .page import Layout, Page

routes = [
    solara.Route(path="/", component=Page, layout=Layout),
    solara.Route(path="class", component=TeacherPage),
    solara.Route(path="join", component=StudentPage),
]
