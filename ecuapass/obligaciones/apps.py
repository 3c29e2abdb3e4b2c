from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObligacionesConfig(AppConfig):
    name = "ecuapass.obligaciones"
    label = "obligaciones"
    verbose_name = _("Obligaciones y pagos")

    def ready(self):
        from . import edoc  # noqa: F401 - registers the 1.11 e-doc type FAC
        from .facilidades import on_paid
        from .services import obligation_paid

        obligation_paid.connect(on_paid, dispatch_uid="obligaciones_plan_paid")
        from .abandono import cure_if_paid

        obligation_paid.connect(cure_if_paid, dispatch_uid="obligaciones_abandono_cured")
        self._register_mipagina_block()
        self._follow_dai_versions()
        self._follow_cargo_discharge()

    @staticmethod
    def _follow_cargo_discharge():
        """The DAI that declares cargo en abandono tácito joins the abandono."""
        from django.apps import apps
        from django.db.models.signals import post_save

        from .abandono import on_declared

        post_save.connect(
            on_declared,
            sender=apps.get_model("carga", "Descargo"),
            dispatch_uid="obligaciones_abandono_declared",
        )

    @staticmethod
    def _follow_dai_versions():
        """An approved correction that raises the DAI's tributes owes the difference."""
        from django.apps import apps
        from django.db.models.signals import post_save

        from .dai import after_dai_version

        if apps.is_installed("ecuapass.correcciones"):
            post_save.connect(
                after_dai_version,
                sender=apps.get_model("correcciones", "DaiVersion"),
                dispatch_uid="obligaciones_dai_version",
            )

    @staticmethod
    def _register_mipagina_block():
        try:
            from ecuapass.mipagina.blocks import Block, register
        except ImportError:  # Mi página not installed in this build
            return
        from .mipagina import obligations_due

        register(
            Block(
                key="obligaciones.due",
                title=_("Obligaciones por vencer y vencidas"),
                rows=obligations_due,
                link="obligaciones:lista",
                menu_options=("1.12",),
                order=30,
            )
        )
