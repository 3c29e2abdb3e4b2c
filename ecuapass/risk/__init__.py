"""The motor de riesgo: perfiles de riesgo, valores de referencia, OEA and the canal de aforo.

``services.assign_canal(edoc, content)`` assigns the canal of an accepted DAI;
``services.replay(assignment)`` recomputes it from the stored seed and snapshot.
Operators never see profiles: only the portal interno (risk analysts) and the
admin expose them.
"""
