"""The building blocks every model's `train_step` is written with: judge, update D, update G.

A model class writes its `train_step` top to bottom with these (see
`keras_gans/models/gan.py`): record the generators' forward pass, call
`discriminator_step` with the `StepState`s D judges, then `generator_step`
with the same states and the recorded pass; or `update_players`, which does
both, or takes both gradients from one pass of D (`simultaneous_step`) when
the model is compiled with `simultaneous_updates=True`. The objective is
gathered in one place for each player, as StyleGAN2-ADA's
`accumulate_gradients` does:

- D: the adversarial loss on every state, plus every trick's
  `discriminator_terms(model, state)`, weighted by the trick's weight.
- G: the adversarial loss on every state (D run anew after its update, or
  D's outputs of the same pass with `simultaneous_updates`), plus
  every trick's `generator_terms(model, state)`, plus the model's own terms
  (`Pix2Pix`'s L1, `CycleGAN`'s cycle and identity losses).

Every input of D goes through the tricks' `augment` (DiffAugment, ADA,
instance noise), penalties included (R1, R2, the gradient penalty), so that a
term is always on the function D is trained as. Every term and logged value
is a global-batch mean (`keras_gans.losses.global_batch_mean`), so training
under `tf.distribute` matches one device.
"""

import tensorflow as tf
from keras import ops

from keras_gans import mixed_precision
from keras_gans.engine.diagnostics import due, feature_diversity, gradient_norm, measured
from keras_gans.engine.forward import sum_of_gradients


class AdversarialSteps:
    """The step's building blocks, mixed into `AdversarialModel`."""

    # === Judging ===

    def discriminate(self, images, state, training=True, augment=True):
        """`(logits, features)` of the state's discriminator on `images`, augmented.

        The state's `condition` (labels, or source images) is D's second
        input. An image condition is augmented together with `images` (the
        same translation and cutout on both), so a pair stays aligned.
        """
        condition = state.condition
        if augment and self.tricks:
            paired = _is_image(condition, images)
            if paired:
                images = ops.concatenate([images, ops.cast(condition, images.dtype)], axis=-1)
            for trick in self.tricks:
                images = trick.augment(images, self)
            if paired:
                channels = ops.shape(condition)[-1]
                images, condition = images[..., :-channels], images[..., -channels:]
        inputs = images if condition is None else [images, condition]
        return self._features[state.discriminator](inputs, training)

    def trick_terms(self, player, state):
        """The tricks' terms for `player` on `state` as `(weighted sum, {name: term})`."""
        total, logs = 0.0, {}
        for trick in self.tricks:
            if player == "discriminator":
                terms = trick.discriminator_terms(self, state)
            else:
                terms = trick.generator_terms(self, state)
            for name, term in terms.items():
                total = total + trick.weight * term
                logs[name + state.suffix] = term
        return total, logs

    # === The discriminator's update ===

    def discriminator_step(self, states):
        """One update of the discriminator player on the `StepState`s it judges.

        Fills in each state's real and fake logits and features, adds the
        adversarial loss and the tricks' terms of every state, applies the
        gradient, runs the after-D hooks and logs `d_loss`, what the loss says
        about D's outputs (`d_real`, `d_fake`, ...), the terms, `d_grad_norm`
        and `diversity`, each state's under its suffix. Returns those logs.
        """
        optimizer = self.optimizers["discriminator"]
        with tf.GradientTape() as tape:
            loss, logs = self.discriminator_loss(states)
            scaled_loss = optimizer.scale_loss(loss)
        gradients = tape.gradient(scaled_loss, self.player_variables("discriminator"))
        return self.update_discriminator(gradients, loss, logs)

    def discriminator_loss(self, states, stop_fake_gradient=True):
        """D's objective on `states` as `(loss, logs)`, judging (and filling in) each state."""
        loss, logs = 0.0, {}
        for state in states:
            real_logits, real_features = self.discriminate(state.real, state)
            fake = ops.stop_gradient(state.fake) if stop_fake_gradient else state.fake
            fake_logits, fake_features = self.discriminate(fake, state)
            state.real_logits, state.real_features = real_logits, real_features
            state.fake_logits, state.fake_features = fake_logits, fake_features
            part = self.adversarial_loss.discriminator_loss(real_logits, fake_logits)
            terms, term_logs = self.trick_terms("discriminator", state)
            loss = loss + part + terms
            if len(states) > 1:
                logs["d_loss" + state.suffix] = part + terms
            judged = self.adversarial_loss.discriminator_logs(real_logits, fake_logits)
            logs.update({name + state.suffix: value for name, value in judged.items()})
            # On the images themselves: D's features depend on its batch statistics.
            name = "diversity" + state.suffix
            logs[name] = measured(
                due(self, name), lambda s=state, f=fake: feature_diversity(s.real, f)
            )
            logs.update(term_logs)
        return loss, logs

    def update_discriminator(self, gradients, loss, logs):
        """Applies D's `gradients`, runs the after-D hooks, logs; returns the logs."""
        norm = self.apply_gradients(gradients, "discriminator")
        logs = {"d_loss": loss, **logs, "d_grad_norm": norm, **self.after_discriminator_step()}
        self.trackers.update(logs)
        return logs

    # === The generator's update ===

    def generator_step(self, states, forward, terms=None):
        """One update of the generator player through the recorded `forward` pass.

        Args:
            states: the `StepState`s whose `fake` images D judges again (after
                its update); each `fake` must be one of `forward.outputs`.
            forward: the `Forward` recorded when the fakes were made.
            terms: the model's own terms, `terms(outputs) -> {name: (weight,
                value)}` on the recorded outputs (e.g. `Pix2Pix`'s L1), or
                None. Each is added as `weight * value` and logged unweighted.
        """
        optimizer = self.optimizers["generator"]
        with tf.GradientTape() as tape:
            tape.watch(list(forward.outputs.values()))
            loss, logs = self.generator_loss(states, forward.outputs, terms)
            scaled_loss = optimizer.scale_loss(loss)
        gradients = self.generator_gradients(tape, scaled_loss, forward)
        return self.update_generator(gradients, loss, logs)

    def generator_loss(self, states, outputs, terms=None, judge=True):
        """G's objective as `(loss, logs)`: D on each state's fakes (judged anew unless
        `judge=False`, when the states hold D's outputs of this tape), the tricks' and the
        model's terms."""
        loss, logs = 0.0, {}
        for state in states:
            if judge:
                if self.adversarial_loss.uses_real_logits or self._real_in_generator_step:
                    real_logits, real_features = self.discriminate(state.real, state)
                    state.real_logits = real_logits  # no gradient reaches G through them
                    state.real_features = ops.stop_gradient(real_features)
                state.fake_logits, state.fake_features = self.discriminate(state.fake, state)
            part = self.adversarial_loss.generator_loss(state.fake_logits, state.real_logits)
            extra, term_logs = self.trick_terms("generator", state)
            loss = loss + part + extra
            if len(states) > 1:
                logs["g_adversarial" + state.suffix] = part
            logs.update(term_logs)
        for name, (weight, value) in (terms(outputs) if terms else {}).items():
            loss = loss + weight * value
            logs[name] = value
        return loss, logs

    def generator_gradients(self, tape, scaled_loss, forward):
        """d `scaled_loss` / d G's variables: through the recorded pass, and directly."""
        variables = self.player_variables("generator")
        by_output, direct = tape.gradient(scaled_loss, [forward.outputs, variables])
        through = forward.gradients(by_output, variables)
        return [sum_of_gradients(a, b) for a, b in zip(through, direct, strict=True)]

    def update_generator(self, gradients, loss, logs):
        """Applies G's `gradients`, runs the after-G hooks (EMA), logs; returns the logs."""
        norm = self.apply_gradients(gradients, "generator")
        logs = {"g_loss": loss, **logs, "g_grad_norm": norm, **self.after_generator_step()}
        self.trackers.update(logs)
        return logs

    # === Both players from one pass of D ===

    def update_players(self, states, forward, terms=None, generator_states=None):
        """Updates D, then G: by `discriminator_step` and `generator_step`, or from one
        pass of D (`simultaneous_step`) when compiled with `simultaneous_updates=True`.

        `generator_states` are the pairs G's loss reads when they are not D's
        (a `CycleGAN`'s D judges fakes from its history pools, G its new ones).
        """
        if self.simultaneous_updates:
            return self.simultaneous_step(states, forward, terms, generator_states)
        self.discriminator_step(states)
        return self.generator_step(generator_states or states, forward, terms)

    def simultaneous_step(self, states, forward, terms=None, generator_states=None):
        """Both players' gradients from one pass of D, then both updates.

        G's gradient comes from D before its update, and D's fake logits serve
        both losses: one pass of D on the fakes fewer than `discriminator_step`
        then `generator_step` (TensorFlow's pix2pix and CycleGAN tutorials;
        simultaneous gradient descent). `generator_states`, when given, are
        judged in the same tape (see `update_players`).
        """
        d_optimizer, g_optimizer = self.optimizers["discriminator"], self.optimizers["generator"]
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(list(forward.outputs.values()))
            d_loss, d_logs = self.discriminator_loss(
                states, stop_fake_gradient=generator_states is not None
            )
            g_loss, g_logs = self.generator_loss(
                generator_states or states, forward.outputs, terms,
                judge=generator_states is not None,
            )  # fmt: skip
            d_scaled, g_scaled = d_optimizer.scale_loss(d_loss), g_optimizer.scale_loss(g_loss)
        d_gradients = tape.gradient(d_scaled, self.player_variables("discriminator"))
        g_gradients = self.generator_gradients(tape, g_scaled, forward)
        del tape
        self.update_discriminator(d_gradients, d_loss, d_logs)
        return self.update_generator(g_gradients, g_loss, g_logs)

    # === Shared ===

    def apply_gradients(self, gradients, player):
        """Applies `player`'s `gradients` (of the scaled loss); returns their norm (logged).

        Under a `LossScaleOptimizer` the logged norm is that of the loss's own
        (unscaled) gradient, and 0 on a step skipped for overflow. On a step
        that does not measure the diagnostics (`diagnostics_every_n_steps`),
        a `Sampled` 0 of weight 0.
        """
        variables, optimizer = self.player_variables(player), self.optimizers[player]
        scale = mixed_precision.loss_scale(optimizer)  # before the update changes it
        is_due = due(self, f"{player[0]}_grad_norm")  # before the update counts this step
        gradients = mixed_precision.skip_together(gradients, optimizer)
        optimizer.apply_gradients(zip(gradients, variables, strict=True))
        return measured(
            is_due,
            lambda: mixed_precision.applied_norm(
                gradient_norm(mixed_precision.unscale(gradients, scale)), optimizer
            ),
        )

    def after_discriminator_step(self):
        """Runs after every discriminator update; returns values to log. Runs the tricks' hooks."""
        logs = {}
        for trick in self.tricks:
            logs.update(trick.after_discriminator_step(self))
        return logs

    def after_generator_step(self):
        """Runs after every generator update; returns values to log.

        Updates the generators' moving averages (`ema_decay`), then runs the
        tricks' hooks.
        """
        for name, average in self.ema.items():
            average.update(self.networks[name])
        logs = {}
        for trick in self.tricks:
            logs.update(trick.after_generator_step(self))
        return logs


def _is_image(condition, images):
    """Whether `condition` is an image batch of the same height and width as `images`."""
    if condition is None or len(condition.shape) != 4:
        return False
    return tuple(condition.shape[1:3]) == tuple(images.shape[1:3])
