"""The project's URLs with the despacho's pages in the "interno" namespace.

Used by the despacho tests only while ``ecuapass/officers/urls.py`` does not include
``ecuapass.despacho.urls_interno`` yet (see the ``interno_urls`` fixture): the result is the
same set of URLs the project has once it does.
"""

from django.urls import include, path

from config import urls as project
from ecuapass.despacho import urls_interno
from ecuapass.officers import urls as officers_urls

handler400 = project.handler400
handler403 = project.handler403
handler404 = project.handler404
handler500 = project.handler500

urlpatterns = [
    path("interno/", include((officers_urls.urlpatterns + urls_interno.urlpatterns, "interno"))),
    *[p for p in project.urlpatterns if str(p.pattern) != "interno/"],
]
